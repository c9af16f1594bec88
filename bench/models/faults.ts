/**
 * The fault run (DESIGN.md §6): many calls through the real model client and the real AI SDK providers
 * over HTTP to the in-repo fake provider, while 30 % of attempts get a 5xx, one provider is down
 * (connection refused), and every key has a tight RPM limit that the fake server enforces (a request
 * over it gets a 429 with Retry-After). `rateLimitedRate` adds 429s at random on top (the stress
 * variant), which no client can fully keep out of a window: requests already on their way when the
 * server announces it arrive inside it. The fake server, not the client, counts requests over a limit and
 * requests inside an announced Retry-After window.
 *
 * Time runs `timeScale` times faster for both sides (the client's `now`/`sleep` and the fake's `now`
 * share one scaled clock), so 60-second rate windows pass in seconds and the run can make the
 * limits bind without taking minutes. Nothing else is scaled: HTTP, parsing and the SDK run for real.
 */
import { createModelClient, mergeCatalog } from "../../src/models/index.js";
import { reply, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { distribution, promisePool } from "../engine/stats.js";
import { seededRandom } from "../harness.js";

export interface FaultOptions {
  calls: number;
  concurrency: number;
  timeScale: number;
  serverErrorRate: number;
  rateLimitedRate: number;
  rpmPerKey: number;
  keysPerProvider: number;
}

export const defaultFaultOptions: FaultOptions = {
  calls: 1_000,
  concurrency: 40,
  timeScale: 30,
  serverErrorRate: 0.3,
  rateLimitedRate: 0,
  rpmPerKey: 20,
  keysPerProvider: 3,
};

export async function measureFaults(options: FaultOptions = defaultFaultOptions) {
  const originMs = Date.now();
  const now = () => originMs + (Date.now() - originMs) * options.timeScale;
  const sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(resolve, ms / options.timeScale);
      signal?.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  const fake = await startFakeProvider({
    rateLimit: { requestsPerWindow: options.rpmPerKey, windowMs: 60_000 },
    now,
  });
  const random = seededRandom(42);
  fake.script((request) => {
    if (request.path.endsWith("/models")) return undefined;
    const draw = random();
    if (draw < options.serverErrorRate) return reply.serverError(503);
    if (draw < options.serverErrorRate + options.rateLimitedRate)
      return reply.rateLimited({ retryAfterMs: 2_000 });
    return undefined;
  });
  const healthy = [
    { id: "alpha", preset: "openai" },
    { id: "beta", preset: "anthropic" },
    { id: "delta", preset: "openai" },
  ];
  const env: Record<string, string> = {};
  const providers: Record<
    string,
    { preset: string; baseURL: string; apiKeyEnv: string; limits?: { rpm: number } }
  > = {};
  for (const { id, preset } of healthy) {
    const name = `${id.toUpperCase()}_API_KEY`;
    providers[id] = { preset, baseURL: fake.baseURL, apiKeyEnv: name, limits: { rpm: options.rpmPerKey } };
    // Distinct last four characters: the fake counts per key under that hint.
    for (let k = 1; k <= options.keysPerProvider; k++) env[`${name}_${k}`] = `sk-bench-${id.slice(0, 3)}${k}`;
  }
  // Down: nothing listens on the discard port, so every attempt is a refused connection.
  providers.gamma = { preset: "openai", baseURL: "http://127.0.0.1:9/v1", apiKeyEnv: "GAMMA_API_KEY" };
  env.GAMMA_API_KEY = "sk-gamma-bench-1";
  const price = { inputPerMTokUsd: 1, outputPerMTokUsd: 2 };
  const catalog = mergeCatalog(
    { providers: {}, models: {} },
    {
      providers,
      models: Object.fromEntries(["alpha/m", "beta/m", "gamma/m", "delta/m"].map((ref) => [ref, { price }])),
    },
  );
  const wire = recordingFetch(now);
  const client = createModelClient({
    catalog,
    env,
    now,
    sleep,
    fetch: wire.fetch,
    attemptTimeoutMs: 10_000,
    limitMarginMs: 1_500,
  });
  const models = ["gamma/m", "alpha/m", "beta/m", "delta/m"];
  let succeeded = 0;
  const failures: string[] = [];
  const latenciesMs: number[] = [];
  const startedMs = performance.now();
  await promisePool(
    Array.from({ length: options.calls }, (_, i) => i),
    options.concurrency,
    async (i) => {
      const callStart = performance.now();
      try {
        await client.generate({ models, prompt: `call ${i}`, maxOutputTokens: 16 });
        succeeded++;
        latenciesMs.push(performance.now() - callStart);
      } catch (error) {
        failures.push((error as Error).message.split("\n")[0]!);
      }
    },
  );
  const wallMs = performance.now() - startedMs;
  const counters = Object.values(fake.counters());
  const sum = (pick: (c: (typeof counters)[number]) => number) =>
    counters.reduce((total, c) => total + pick(c), 0);
  const statuses: Record<string, number> = {};
  for (const c of counters)
    for (const [status, n] of Object.entries(c.statuses)) statuses[status] = (statuses[status] ?? 0) + n;
  const health = client.health().snapshot();
  await fake.stop();
  return {
    options,
    calls: options.calls,
    succeeded,
    successRate: succeeded / options.calls,
    failures: failures.slice(0, 5),
    requestsSeenByServer: sum((c) => c.requests),
    statuses,
    overLimit: sum((c) => c.overLimit),
    insideRetryAfterWindow: sum((c) => c.insideRetryAfterWindow),
    sentInsideKnownRetryAfterWindow: wire.sentInsideKnownWindows(),
    wallMs: Math.round(wallMs),
    callLatencyRealMs: distribution(latenciesMs),
    health,
  };
}

/**
 * A `fetch` that notes, per key, when each request left the client and when the client *received* a
 * 429 with its window. The fake server counts every request that arrives inside a window, including
 * those already on their way when it announced it; this counts only the requests the client sent
 * after it knew, which is what the client controls.
 */
function recordingFetch(now: () => number) {
  const sends = new Map<string, number[]>();
  const windows = new Map<string, Array<{ fromMs: number; untilMs: number }>>();
  const keyOf = (init: RequestInit | undefined) => {
    const headers = new Headers(init?.headers);
    return headers.get("x-api-key") ?? headers.get("authorization") ?? "(none)";
  };
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const key = keyOf(init);
    sends.set(key, [...(sends.get(key) ?? []), now()]);
    const response = await globalThis.fetch(input, init);
    const retryAfterMs = Number(response.headers.get("retry-after-ms") ?? Number.NaN);
    if (response.status === 429 && Number.isFinite(retryAfterMs)) {
      const fromMs = now();
      windows.set(key, [...(windows.get(key) ?? []), { fromMs, untilMs: fromMs + retryAfterMs }]);
    }
    return response;
  };
  const sentInsideKnownWindows = () => {
    let count = 0;
    for (const [key, times] of sends)
      for (const sentMs of times)
        if ((windows.get(key) ?? []).some((w) => sentMs >= w.fromMs && sentMs < w.untilMs)) count++;
    return count;
  };
  return { fetch, sentInsideKnownWindows };
}
