/**
 * Opening a SQLite store file: create the parent directory, set the pragmas the durability and speed
 * targets depend on, and turn driver errors into store errors a person can act on.
 *
 * WAL + synchronous=NORMAL: a commit is an append to the WAL without fsync; the WAL is synced at
 * checkpoints. A power loss can lose the last few commits but never corrupts the file; a process crash
 * (kill -9) loses nothing. That trade is what makes a durable step cost microseconds (docs/store.md).
 */
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { StoreCorruptError, StoreUnavailableError } from "../../errors/index.js";
import { makeDirectory } from "../../support/index.js";

export type SqliteDatabase = Database.Database;

/** 'QRM1': marks the file as a quorum store in the SQLite header (PRAGMA application_id). */
export const QUORUM_APPLICATION_ID = 0x51524d31;

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface SqliteTarget {
  /** Absolute path, or `:memory:`. */
  readonly path: string;
  readonly isMemory: boolean;
}

export function sqliteTarget(path: string): SqliteTarget {
  const isMemory = path === ":memory:";
  return { path: isMemory ? path : resolve(path), isMemory };
}

export function openSqlite(target: SqliteTarget, busyTimeoutMs: number): SqliteDatabase {
  if (!target.isMemory) {
    try {
      makeDirectory(dirname(target.path));
    } catch (error) {
      throw new StoreUnavailableError(
        target.path,
        `cannot create its directory (${(error as Error).message})`,
        "Check the path in QUORUM_DB and its permissions.",
        { cause: error },
      );
    }
  }
  let db: SqliteDatabase | undefined;
  try {
    db = new Database(target.path, { timeout: busyTimeoutMs });
    // The first statement that reads the header: a foreign or damaged file fails here.
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("temp_store = MEMORY");
    db.pragma("cache_size = -32000");
    db.pragma("foreign_keys = OFF");
    db.pragma("journal_size_limit = 67108864");
    return db;
  } catch (error) {
    db?.close();
    throw mapSqliteError(error, target.path, busyTimeoutMs);
  }
}

/** Driver error → store error; anything else is returned unchanged (a bug, not an environment problem). */
export function mapSqliteError(error: unknown, path: string, busyTimeoutMs: number): unknown {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return error;
  const message = (error as Error).message;
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT")) {
    return new StoreCorruptError(path, `SQLite says '${message}'`, { cause: error });
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new StoreUnavailableError(
      path,
      `the database stayed locked by another connection for more than ${busyTimeoutMs} ms`,
      `Another process is writing to it; wait for it to finish, stop it, or let writes wait longer (QUORUM_DB=sqlite:${path}?busy_timeout_ms=30000). SQLite serves one writing process at a time: use PostgreSQL (QUORUM_DB=postgres://…) for many workers.`,
      { cause: error },
    );
  }
  if (
    code.startsWith("SQLITE_CANTOPEN") ||
    code.startsWith("SQLITE_READONLY") ||
    code.startsWith("SQLITE_PERM") ||
    code.startsWith("SQLITE_IOERR") ||
    code === "SQLITE_FULL"
  ) {
    return new StoreUnavailableError(
      path,
      `SQLite says '${message}' (${code})`,
      "Check that the file and its directory are writable and the disk is not full.",
      { cause: error },
    );
  }
  return error;
}
