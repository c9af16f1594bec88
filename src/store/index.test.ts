import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../errors/index.js";
import { DEFAULT_STORE_URL, LATEST_SCHEMA_VERSION, openStore } from "./index.js";
import { pendingMigrations } from "./migrations/index.js";
import { newRun } from "./testing/fixtures.js";

describe("openStore", () => {
  it("opens sqlite:path, creating the directory", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quorum-open-"));
    try {
      const store = await openStore(`sqlite:${join(dir, "deep", "q.db")}`);
      expect(store.kind).toBe("sqlite");
      expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(existsSync(join(dir, "deep", "q.db"))).toBe(true);
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("opens sqlite::memory: and defaults to .quorum/quorum.db", async () => {
    const store = await openStore("sqlite::memory:");
    expect(store.target).toBe(":memory:");
    await store.close();
    expect(DEFAULT_STORE_URL).toBe("sqlite:.quorum/quorum.db");
  });

  it("sqlite:path?busy_timeout_ms=N sets how long a write waits for another process's lock", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quorum-busy-"));
    const path = join(dir, "q.db");
    const store = await openStore(`sqlite:${path}?busy_timeout_ms=150`);
    const other = new Database(path);
    try {
      other.exec("BEGIN IMMEDIATE");
      const write = store.createRun(newRun("r1"));
      await expect(write).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(write).rejects.toThrow(
        /locked by another connection for more than 150 ms.*busy_timeout_ms=30000/,
      );
      other.exec("ROLLBACK");
      await expect(store.createRun(newRun("r1"))).resolves.toMatchObject({ id: "r1" });
    } finally {
      other.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses an unknown SQLite option instead of ignoring a typo", async () => {
    await expect(openStore("sqlite:/tmp/q.db?busy_timeout=5")).rejects.toThrow(
      /unsupported SQLite store option 'busy_timeout=5'.*busy_timeout_ms=N/,
    );
    await expect(openStore("sqlite:/tmp/q.db?busy_timeout_ms=soon")).rejects.toThrow(/busy_timeout_ms=N/);
  });

  it("rejects an unknown scheme without echoing a password", async () => {
    await expect(openStore("mysql://root:hunter2@db:3306/q")).rejects.toThrow(
      /unsupported store URL 'mysql:\/\/root:\*\*\*@db/,
    );
    await expect(openStore("mysql://root:hunter2@db:3306/q")).rejects.not.toThrow(/hunter2/);
  });

  it("rejects an invalid schema name in a PostgreSQL URL", async () => {
    await expect(openStore("postgres://u@localhost/db?schema=Robert'); DROP")).rejects.toThrow(
      /invalid schema/,
    );
  });
});

describe("migrations", () => {
  it("are numbered densely from 1", () => {
    expect(pendingMigrations(0).map((m) => m.version)).toEqual(
      Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1),
    );
    expect(pendingMigrations(LATEST_SCHEMA_VERSION)).toEqual([]);
  });
});
