/**
 * The short form of `npm run chaos` for CI: a few runs over real HTTP, workers SIGKILLed at random
 * points, then the durability verdict from the journals and the fake provider's request log
 * (DESIGN.md §3 and §6: every run completes, no recorded call is ever repeated). SQLite only; the
 * PostgreSQL two-worker form is `npm run chaos -- --postgres`.
 */
import { expect, it } from "vitest";
import { runChaos } from "../../scripts/chaos/chaos.js";

it("kill -9 at random points loses no run and never repeats a recorded call", async () => {
  const report = await runChaos({ runs: 8, kills: 8, seed: 20_261_122, finalTimeoutMs: 30_000 });
  expect(report.violations).toEqual([]);
  expect(report.runsSucceeded).toBe(8);
  expect(report.callsRecorded).toBe(8 * 6);
  // The work must outlast most kills, or the test proves little.
  expect(report.kills).toBeGreaterThanOrEqual(5);
}, 60_000);
