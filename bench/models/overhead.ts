/**
 * Overhead of quorum's model layer over a direct AI SDK call, on the same `MockLanguageModelV3`, for
 * both paths the client takes: streamed (the default: `streamText` read to its end, which is what
 * gives every call a time to first token) against `client.generate()`, and request/response
 * (`generateText`) against a client built with `streaming: false`. Each goes through the whole
 * middleware chain (candidate planning, fallback, repair, retry, breaker, concurrency, key pool,
 * limits, trace, timeout, cost). Direct and quorum calls run interleaved, call by call, so machine
 * noise hits both; the overhead is the difference of their percentiles.
 */
import { generateText, simulateReadableStream, streamText } from "ai";
import { MockLanguageModelV3 } from "ai/test";
import { createModelClient, mergeCatalog } from "../../src/models/index.js";
import { distribution } from "../engine/stats.js";

export interface OverheadResult {
  /** `stream`: `streamText` vs the default client; `generate`: `generateText` vs `streaming: false`. */
  mode: "stream" | "generate";
  iterations: number;
  direct: ReturnType<typeof distribution>;
  quorum: ReturnType<typeof distribution>;
  overheadP50Ms: number;
  overheadP99Ms: number;
}

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: 2, text: 2, reasoning: 0 },
};

function mockModel() {
  return new MockLanguageModelV3({
    doGenerate: async () => ({
      content: [{ type: "text", text: "OK" }],
      finishReason: { unified: "stop", raw: "stop" },
      usage,
      warnings: [],
    }),
    doStream: async () => ({
      stream: simulateReadableStream({
        initialDelayInMs: null,
        chunkDelayInMs: null,
        chunks: [
          { type: "stream-start" as const, warnings: [] },
          { type: "text-start" as const, id: "0" },
          { type: "text-delta" as const, id: "0", delta: "OK" },
          { type: "text-end" as const, id: "0" },
          { type: "finish" as const, finishReason: { unified: "stop" as const, raw: "stop" }, usage },
        ],
      }),
    }),
  });
}

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

export async function measureModelOverhead(
  mode: OverheadResult["mode"] = "stream",
  iterations = 20_000,
  warmup = 3_000,
): Promise<OverheadResult> {
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
    streaming: mode === "stream",
  });
  const request = { models: ["mock/m"], prompt: "hi" };
  const direct =
    mode === "stream"
      ? () => drain(streamText({ model, prompt: "hi", maxRetries: 0, onError: () => {} }).fullStream)
      : () => generateText({ model, prompt: "hi", maxRetries: 0 });
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
    mode,
    iterations,
    direct: d,
    quorum: q,
    overheadP50Ms: round(q.p50Ms - d.p50Ms),
    overheadP99Ms: round(q.p99Ms - d.p99Ms),
  };
}
