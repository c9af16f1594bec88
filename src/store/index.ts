/**
 * The durable store: `openStore(url)` picks the backend from a URL (the `QUORUM_DB` setting):
 * - `sqlite:path[?busy_timeout_ms=N]` (default `.quorum/quorum.db`; the directory is created) or
 *   `sqlite::memory:`
 * - `postgres://user:password@host:port/database[?schema=quorum]` (also `postgresql://`)
 * Both implement the same `Store` contract (src/spec/store.ts) and pass the same conformance suite.
 */
import { StoreUrlError } from "../errors/index.js";
import type { Store, StoreOptions } from "../spec/index.js";
import { openPostgresStore } from "./postgres/index.js";
import { openSqliteStore } from "./sqlite/index.js";

export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from "./migrations/index.js";
export { openPostgresStore, type PostgresStoreOptions } from "./postgres/index.js";
export { openSqliteStore, type SqliteStoreOptions } from "./sqlite/index.js";

export const DEFAULT_STORE_URL = "sqlite:.quorum/quorum.db";

/** Opens and migrates the store `url` points at; throws a store error with a fix when it cannot. */
export async function openStore(url: string = DEFAULT_STORE_URL, options: StoreOptions = {}): Promise<Store> {
  const trimmed = url.trim();
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return await openPostgresStore(trimmed, options);
  if (/^sqlite:/i.test(trimmed)) {
    const { path, busyTimeoutMs } = sqliteUrl(trimmed.slice("sqlite:".length).replace(/^\/\/(?=\/)/, ""));
    return openSqliteStore(path === "" ? ".quorum/quorum.db" : path, {
      ...options,
      ...(busyTimeoutMs !== undefined ? { busyTimeoutMs } : {}),
    });
  }
  throw new StoreUrlError(
    `unsupported store URL '${redact(trimmed)}'; use sqlite:path/to/file.db, sqlite::memory: or postgres://user:password@host:port/database`,
  );
}

/**
 * `path[?busy_timeout_ms=N]`: how long a write waits for another process's lock before the store
 * reports itself unavailable (default 5 s). Any other option is refused, so a typo is not ignored.
 */
function sqliteUrl(rest: string): { path: string; busyTimeoutMs?: number } {
  const at = rest.indexOf("?");
  if (at < 0) return { path: rest };
  const path = rest.slice(0, at);
  let busyTimeoutMs: number | undefined;
  for (const [key, value] of new URLSearchParams(rest.slice(at + 1))) {
    if (key !== "busy_timeout_ms" || !/^\d{1,9}$/.test(value))
      throw new StoreUrlError(
        `unsupported SQLite store option '${key}=${value}' in 'sqlite:${rest}'; the one option is busy_timeout_ms=N (whole milliseconds), e.g. sqlite:${path}?busy_timeout_ms=30000`,
      );
    busyTimeoutMs = Number(value);
  }
  return { path, ...(busyTimeoutMs !== undefined ? { busyTimeoutMs } : {}) };
}

/** Hides a password in a URL we are about to print. */
function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@/]*@/, "//$1:***@");
}
