import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, reply, startFakeProvider } from "./index.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected loosely in assertions
type Json = any;
const json = (response: Response): Promise<Json> => response.json();

let clockMs = 0;
let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider({
    rateLimit: { requestsPerWindow: 2, windowMs: 1_000 },
    rateLimitByKey: { "sk-roomy-0003": { requestsPerWindow: 100 } },
    now: () => clockMs,
  });
});
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  clockMs = 0;
});

const call = (key: string) =>
  fetch(`${fake.baseURL}/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify({ model: "m", max_tokens: 10, messages: [] }),
  });

describe("enforced rate limits", () => {
  it("rejects requests over the per-key window with 429 and the exact wait", async () => {
    expect((await call("sk-key-a-0001")).status).toBe(200);
    clockMs = 400;
    expect((await call("sk-key-a-0001")).status).toBe(200);
    const over = await call("sk-key-a-0001");
    expect(over.status).toBe(429);
    expect(over.headers.get("retry-after-ms")).toBe("600");
    expect(over.headers.get("retry-after")).toBe("1");
    expect((await json(over)).error.type).toBe("rate_limit_error");
    expect(fake.countersFor("sk-key-a-0001")).toMatchObject({
      requests: 3,
      overLimit: 1,
      statuses: { 200: 2, 429: 1 },
    });
  });

  it("counts requests sent inside an announced Retry-After window", async () => {
    await call("sk-key-a-0001");
    await call("sk-key-a-0001");
    await call("sk-key-a-0001"); // 429: wait 1 000 ms
    clockMs = 999;
    expect((await call("sk-key-a-0001")).status).toBe(429);
    clockMs = 1_000;
    expect((await call("sk-key-a-0001")).status).toBe(200);
    expect(fake.requests.map((r) => r.insideRetryAfterWindow)).toEqual([false, false, false, true, false]);
    expect(fake.counters()["…0001"]).toMatchObject({ overLimit: 2, insideRetryAfterWindow: 1 });
  });

  it("keeps separate windows per key and honours per-key limits", async () => {
    for (let i = 0; i < 2; i++) await call("sk-key-a-0001");
    expect((await call("sk-key-b-0002")).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await call("sk-roomy-0003")).status).toBe(200);
    expect(Object.keys(fake.counters()).sort()).toEqual(["…0001", "…0002", "…0003"]);
  });

  it("treats a scripted Retry-After like an announced window", async () => {
    fake.script(reply.serverError(503, { retryAfterMs: 300 }));
    await call("sk-roomy-0003");
    clockMs = 200;
    await call("sk-roomy-0003");
    clockMs = 300;
    await call("sk-roomy-0003");
    expect(fake.countersFor("sk-roomy-0003").insideRetryAfterWindow).toBe(1);
  });
});

describe("concurrency accounting", () => {
  it("tracks the most requests in flight per key", async () => {
    fake.script({ ...reply.text("slow", { latencyMs: 100 }), times: 3 });
    await Promise.all([call("sk-roomy-0003"), call("sk-roomy-0003"), call("sk-roomy-0003")]);
    expect(fake.countersFor("sk-roomy-0003")).toMatchObject({ maxInFlight: 3, inFlight: 0 });
  });

  it("rejects unknown keys when apiKeys is set", async () => {
    const strict = await startFakeProvider({ apiKeys: ["sk-good-1111"] });
    try {
      const bad = await fetch(`${strict.baseURL}/messages`, {
        method: "POST",
        headers: { "x-api-key": "sk-bad-2222" },
        body: "{}",
      });
      expect(bad.status).toBe(401);
      expect((await json(bad)).error.type).toBe("authentication_error");
      const good = await fetch(`${strict.baseURL}/messages`, {
        method: "POST",
        headers: { "x-api-key": "sk-good-1111" },
        body: "{}",
      });
      expect(good.status).toBe(200);
    } finally {
      await strict.stop();
    }
  });
});
