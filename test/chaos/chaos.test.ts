/**
 * The short forms of `npm run chaos` for CI: a few runs over real HTTP, workers SIGKILLed at random
 * points, then the durability verdict from the journals and the fake provider's request log
 * (DESIGN.md §3 and §6: every run completes, no recorded call is ever repeated). Once on a SQLite file
 * with one worker, once on PostgreSQL with two workers claiming runs with 1 s leases, one of them killed
 * at a time. The time limits are generous because each kill restarts a Node process; the work itself
 * is bounded by the run count.
 */
import { expect, it } from "vitest";
import { runChaos } from "../../scripts/chaos/chaos.js";
import { postgresForTests } from "../support/postgres-url.js";

const postgres = await postgresForTests();

it("kill -9 at random points loses no run and never repeats a recorded call (SQLite)", async () => {
  const report = await runChaos({ runs: 8, kills: 8, seed: 20_261_122, finalTimeoutMs: 60_000 });
  expect(report.violations).toEqual([]);
  expect(report.runsSucceeded).toBe(8);
  // Six model steps, and the map's call per point of the brief (the fake provider writes two).
  expect(report.callsRecorded).toBe(8 * (6 + 2));
  // The work must outlast most kills, or the test proves little.
  expect(report.kills).toBeGreaterThanOrEqual(5);
}, 180_000);

it.skipIf(postgres.url === undefined)(
  `two PostgreSQL workers, one killed at random points, lose no run and never repeat a recorded call${
    postgres.url === undefined ? ` (skipped: ${postgres.skipReason})` : ""
  }`,
  async () => {
    const db = new URL(postgres.url!);
    db.searchParams.set("schema", `chaos_${process.pid}`);
    const report = await runChaos({
      runs: 6,
      kills: 6,
      seed: 20_261_123,
      db: db.toString(),
      finalTimeoutMs: 60_000,
    });
    expect(report.store).toBe("postgres");
    expect(report.workersAtOnce).toBe(2);
    expect(report.violations).toEqual([]);
    expect(report.runsSucceeded).toBe(6);
    expect(report.callsRecorded).toBe(6 * (6 + 2));
    expect(report.kills).toBeGreaterThanOrEqual(3);
  },
  180_000,
);
