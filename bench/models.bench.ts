/**
 * Model-layer benchmarks (DESIGN.md §6): (a) the overhead of quorum's middleware chain over a direct
 * AI SDK `generateText` on the same `MockLanguageModelV3`, measured side by side in one run; (b) a
 * fault run through the real fake provider over HTTP (30 % 5xx, one provider down, tight per-key
 * rate limits): the share of calls that succeed, and the requests the fake *server* saw over a limit
 * or inside a Retry-After window. Runnable alone: `npx tsx bench/run.ts models`.
 */
import type { BenchModule, BenchResult } from "./harness.js";
import { defaultFaultOptions, measureFaults } from "./models/faults.js";
import { measureModelOverhead } from "./models/overhead.js";

export const targets = {
  overheadP50Ms: 0.3,
  overheadP99Ms: 1,
  successRate: 0.999,
  overLimit: 0,
  insideRetryAfterWindow: 0,
} as const;

const mark = (ok: boolean) => (ok ? "ok" : "MISSED");

async function run(): Promise<BenchResult> {
  console.log("overhead over a direct AI SDK call (MockLanguageModelV3)…");
  const overhead = await measureModelOverhead();
  console.log(`  p50 +${overhead.overheadP50Ms} ms, p99 +${overhead.overheadP99Ms} ms`);
  console.log(`fault run: ${defaultFaultOptions.calls} calls over HTTP…`);
  const faults = await measureFaults();
  console.log(
    `  ${faults.succeeded}/${faults.calls} succeeded; server saw ${faults.overLimit} over a limit, ${faults.insideRetryAfterWindow} inside a Retry-After window`,
  );
  const checks = {
    overheadP50: overhead.overheadP50Ms <= targets.overheadP50Ms,
    overheadP99: overhead.overheadP99Ms <= targets.overheadP99Ms,
    success: faults.successRate >= targets.successRate,
    overLimit: faults.overLimit === targets.overLimit,
    insideWindow: faults.insideRetryAfterWindow === targets.insideRetryAfterWindow,
  };
  const summary =
    `models: overhead p50 +${overhead.overheadP50Ms} ms (target ≤ 0.3: ${mark(checks.overheadP50)}), ` +
    `p99 +${overhead.overheadP99Ms} ms (≤ 1: ${mark(checks.overheadP99)}); ` +
    `faults ${(faults.successRate * 100).toFixed(2)} % succeeded (≥ 99.9 %: ${mark(checks.success)}), ` +
    `${faults.overLimit} over a limit (${mark(checks.overLimit)}), ` +
    `${faults.insideRetryAfterWindow} inside a Retry-After window as seen by the server (${mark(checks.insideWindow)}; ` +
    `${faults.sentInsideKnownRetryAfterWindow} sent after the client knew of the window)`;
  return { data: { targets, checks, overhead, faults }, summary, ok: Object.values(checks).every(Boolean) };
}

const bench: BenchModule = {
  name: "models",
  description: "model layer overhead over a direct AI SDK call; fault run over HTTP",
  run,
};
export default bench;
