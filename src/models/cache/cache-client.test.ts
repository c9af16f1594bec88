import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ModelCallContext, ModelClient, ModelRequest, Store } from "../../spec/index.js";
import { openSqliteStore } from "../../store/sqlite/index.js";
import { scriptedModels } from "../../testing/scripted-models.js";
import { withResponseCache } from "./cache-client.js";
import { requestCacheKey } from "./request-key.js";

const request: ModelRequest = { models: ["t/a"], prompt: "Summarise.", temperature: 0 };
const context: ModelCallContext = {
  runId: "r",
  workflowName: "wf",
  stepId: "s",
  attempt: 1,
  cacheTtlMs: 60_000,
};

let nowMs = 1_000;
let store: Store;
beforeEach(() => {
  nowMs = 1_000;
  store = openSqliteStore(":memory:", { now: () => nowMs });
});
afterEach(() => store.close());

describe("withResponseCache", () => {
  it("answers an identical request from the store at zero cost, marked as a hit", async () => {
    const inner = scriptedModels((_, i) => ({ text: `answer ${i}`, costUsd: 0.01 }));
    const client = withResponseCache(inner, store);
    const first = await client.generate(request, { context });
    const second = await client.generate(
      { temperature: 0, prompt: "Summarise.", models: ["t/a"] },
      { context },
    );
    expect(first).toMatchObject({ text: "answer 0", costUsd: 0.01 });
    expect(first.cacheHit).toBeUndefined();
    expect(second).toMatchObject({ text: "answer 0", costUsd: 0, cacheHit: true, usage: { inputTokens: 0 } });
    expect(inner.calls).toHaveLength(1);
  });

  it("misses on any change to the request and after the time to live", async () => {
    const inner = scriptedModels((_, i) => `answer ${i}`);
    const client = withResponseCache(inner, store);
    await client.generate(request, { context });
    await client.generate({ ...request, prompt: "Summarise!" }, { context });
    nowMs += 60_000;
    const expired = await client.generate(request, { context });
    expect(expired.text).toBe("answer 2");
    expect(inner.calls).toHaveLength(3);
  });

  it("is opt-in: no ttl, a sensitive request or a dry-run answer is never cached", async () => {
    const inner = scriptedModels((_, i) => `answer ${i}`);
    const client = withResponseCache(inner, store);
    await client.generate(request, { context: { ...context, cacheTtlMs: undefined } });
    await client.generate({ ...request, sensitive: true }, { context });
    await client.generate({ ...request, sensitive: true }, { context });
    expect(inner.calls).toHaveLength(3);
    const dryRun: ModelClient = {
      specificationVersion: "v1",
      generate: async () => ({
        text: "stub",
        model: "dry-run/stub",
        usage: { inputTokens: 0, outputTokens: 0 },
        dryRun: true,
      }),
    };
    await withResponseCache(dryRun, store).generate(request, { context });
    expect(await store.getCachedResponse(requestCacheKey(request))).toBeUndefined();
  });
});
