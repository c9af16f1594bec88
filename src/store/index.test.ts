import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_STORE_URL, LATEST_SCHEMA_VERSION, openStore } from "./index.js";
import { pendingMigrations } from "./migrations/index.js";

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
  // Dense once every branch is merged; 0006 (spend expiry) was written beside 0005 (children) on
  // separate branches, so until both are in, the check is "strictly increasing from 1".
  it("are numbered in increasing order from 1", () => {
    const versions = pendingMigrations(0).map((m) => m.version);
    expect(versions[0]).toBe(1);
    expect(versions.every((v, i) => i === 0 || v > versions[i - 1]!)).toBe(true);
    expect(versions[versions.length - 1]).toBe(LATEST_SCHEMA_VERSION);
    expect(pendingMigrations(LATEST_SCHEMA_VERSION)).toEqual([]);
  });
});
