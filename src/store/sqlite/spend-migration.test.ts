/**
 * Migration 0006 on a SQLite file written by an earlier quorum: the `spend` table is rebuilt (SQLite
 * cannot change a CHECK constraint in place), so every existing row must survive, and a reservation
 * left open gets the default expiry. (PostgreSQL alters the table in place; the conformance suite
 * covers the migrated schema on both engines.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { MIGRATIONS } from "../migrations/index.js";
import { openSqlite, sqliteTarget } from "./connection.js";
import { migrateSqlite } from "./migrate.js";
import { openSqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-spend-migration-"));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("keeps existing ledger rows and gives an open reservation the default expiry", async () => {
  const path = join(dir, "old.db");
  const target = sqliteTarget(path);
  const old = openSqlite(target, 1000);
  migrateSqlite(
    old,
    path,
    () => 0,
    MIGRATIONS.filter((m) => m.version < 6),
  );
  const insert = old.prepare(`INSERT INTO spend (id, run_id, workflow_name, step_id, model, day, status,
    estimate_micro_usd, cost_micro_usd, outcome, created_at, settled_at) VALUES (?, 'r', 'wf', 's', 'm', '2026-11-01', ?, 500, ?, ?, ?, ?)`);
  insert.run("settled", "settled", 120, "ok", 1_000, 2_000);
  insert.run("open", "reserved", 0, null, 5_000, null);
  old.close();

  const store = openSqliteStore(path, { now: () => 5_000 + 3_600_000 });
  try {
    expect(store.schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    const rows = await store.listSpend();
    expect(rows).toEqual([
      expect.objectContaining({
        id: "settled",
        status: "settled",
        costMicroUsd: 120,
        outcome: "ok",
        settledAtMs: 2_000,
      }),
      expect.objectContaining({
        id: "open",
        status: "reserved",
        estimateMicroUsd: 500,
        expiresAtMs: 5_000 + 3_600_000,
      }),
    ]);
    // At its expiry the old open reservation is cleared like any other.
    expect(await store.expireSpendReservations()).toBe(1);
    expect((await store.listSpend())[1]).toMatchObject({ outcome: "expired", costMicroUsd: 0 });
  } finally {
    await store.close();
  }
});
