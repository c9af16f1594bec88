/**
 * Model-layer benchmarks (DESIGN.md §6): (a) the overhead of quorum's middleware chain over a direct
 * AI SDK call on the same `MockLanguageModelV3`, measured side by side in one run, for the default
 * streamed path (`streamText`) and the request/response one (`generateText`); (b) a
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
  console.log("overhead over a direct AI SDK streamText call (MockLanguageModelV3; the default path)…");
  const overhead = await measureModelOverhead("stream");
  console.log(`  p50 +${overhead.overheadP50Ms} ms, p99 +${overhead.overheadP99Ms} ms`);
  console.log("overhead over a direct AI SDK generateText call (streaming: false)…");
  const overheadGenerate = await measureModelOverhead("generate");
  console.log(`  p50 +${overheadGenerate.overheadP50Ms} ms, p99 +${overheadGenerate.overheadP99Ms} ms`);
  console.log(`fault run: ${defaultFaultOptions.calls} calls over HTTP…`);
  const faults = await measureFaults();
  console.log(
    `  ${faults.succeeded}/${faults.calls} succeeded; server saw ${faults.overLimit} over a limit, ${faults.insideRetryAfterWindow} inside a Retry-After window`,
  );
  console.log("stress variant: the same plus 3 % random 429s with retry-after-ms…");
  const stress = await measureFaults({ ...defaultFaultOptions, rateLimitedRate: 0.03 });
  console.log(
    `  ${stress.succeeded}/${stress.calls} succeeded; server saw ${stress.overLimit} over a limit, ${stress.insideRetryAfterWindow} inside a window (${stress.sentInsideKnownRetryAfterWindow} sent after the client knew)`,
  );
  const checks = {
    overheadP50: overhead.overheadP50Ms <= targets.overheadP50Ms,
    overheadP99: overhead.overheadP99Ms <= targets.overheadP99Ms,
    overheadGenerateP50: overheadGenerate.overheadP50Ms <= targets.overheadP50Ms,
    overheadGenerateP99: overheadGenerate.overheadP99Ms <= targets.overheadP99Ms,
    success: faults.successRate >= targets.successRate,
    overLimit: faults.overLimit === targets.overLimit,
    insideWindow: faults.insideRetryAfterWindow === targets.insideRetryAfterWindow,
    // Under random 429s: every call still answered, nothing over a limit, and nothing sent to a key
    // after the client learned of its window (requests already in flight are reported, not judged).
    stressSuccess: stress.successRate >= targets.successRate,
    stressOverLimit: stress.overLimit === 0,
    stressSentAfterKnown: stress.sentInsideKnownRetryAfterWindow === 0,
  };
  const summary =
    `models: overhead (streamed) p50 +${overhead.overheadP50Ms} ms (target ≤ 0.3: ${mark(checks.overheadP50)}), ` +
    `p99 +${overhead.overheadP99Ms} ms (≤ 1: ${mark(checks.overheadP99)}); ` +
    `(streaming: false) p50 +${overheadGenerate.overheadP50Ms} ms (${mark(checks.overheadGenerateP50)}), ` +
    `p99 +${overheadGenerate.overheadP99Ms} ms (${mark(checks.overheadGenerateP99)}); ` +
    `faults ${(faults.successRate * 100).toFixed(2)} % succeeded (≥ 99.9 %: ${mark(checks.success)}), ` +
    `${faults.overLimit} over a limit (${mark(checks.overLimit)}), ` +
    `${faults.insideRetryAfterWindow} inside a Retry-After window (${mark(checks.insideWindow)}); ` +
    `with 3 % random 429s: ${(stress.successRate * 100).toFixed(2)} % succeeded, ${stress.overLimit} over a limit, ` +
    `${stress.insideRetryAfterWindow} arrived inside a window (in flight when announced), ` +
    `${stress.sentInsideKnownRetryAfterWindow} sent after the client knew (${mark(checks.stressSentAfterKnown)})`;
  return {
    data: { targets, checks, overhead, overheadGenerate, faults, stress },
    summary,
    ok: Object.values(checks).every(Boolean),
  };
}

const bench: BenchModule = {
  name: "models",
  description: "model layer overhead over a direct AI SDK call; fault run over HTTP",
  run,
};
export default bench;
