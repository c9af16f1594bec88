/**
 * Overhead of quorum's model layer over a direct AI SDK call, on the same `MockLanguageModelV3`:
 * `generateText({ model, prompt, maxRetries: 0 })` against `client.generate()` through the whole
 * middleware chain (candidate planning, fallback, repair, retry, breaker, concurrency, key pool,
 * limits, trace, timeout, cost). The two run interleaved, call by call, so machine noise hits both;
 * the overhead is the difference of their percentiles.
 */
import { generateText } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { createModelClient, mergeCatalog } from "../../src/models/index.js";
import { distribution } from "../engine/stats.js";

export interface OverheadResult {
  iterations: number;
  direct: ReturnType<typeof distribution>;
  quorum: ReturnType<typeof distribution>;
  overheadP50Ms: number;
  overheadP99Ms: number;
}

function mockModel() {
  return new MockLanguageModelV3({
    doGenerate: async () => ({
      content: [{ type: "text", text: "OK" }],
      finishReason: { unified: "stop", raw: "stop" },
      usage: {
        inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
        outputTokens: { total: 2, text: 2, reasoning: 0 },
      },
      warnings: [],
    }),
  });
}

export async function measureModelOverhead(iterations = 20_000, warmup = 3_000): Promise<OverheadResult> {
  const model = mockModel();
  const catalog = mergeCatalog(
    { providers: {}, models: {} },
    {
      providers: { mock: { preset: "openai", baseURL: "http://127.0.0.1:9/v1" } },
      models: { "mock/m": { price: { inputPerMTokUsd: 1, outputPerMTokUsd: 2 } } },
    },
  );
  const client = createModelClient({
    catalog,
    env: { OPENAI_API_KEY: "sk-bench-0001" },
    languageModel: () => model,
  });
  const request = { models: ["mock/m"], prompt: "hi" };
  const direct = () => generateText({ model, prompt: "hi", maxRetries: 0 });
  const ours = () => client.generate(request);
  for (let i = 0; i < warmup; i++) {
    await direct();
    await ours();
  }
  const directMs: number[] = [];
  const quorumMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    // Alternate which goes first, so neither always runs right after a GC-heavy sibling.
    const order = i % 2 === 0 ? ([direct, ours] as const) : ([ours, direct] as const);
    for (const fn of order) {
      const start = performance.now();
      await fn();
      (fn === direct ? directMs : quorumMs).push(performance.now() - start);
    }
  }
  const d = distribution(directMs);
  const q = distribution(quorumMs);
  const round = (ms: number) => Math.round(ms * 10_000) / 10_000;
  return {
    iterations,
    direct: d,
    quorum: q,
    overheadP50Ms: round(q.p50Ms - d.p50Ms),
    overheadP99Ms: round(q.p99Ms - d.p99Ms),
  };
}
