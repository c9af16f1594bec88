/**
 * A refusal inside a real run (real runtime, store, model client and AI SDK providers against the fake
 * provider over HTTP, streamed as by default): the refusing model's attempt is journaled with class
 * `refusal` and time to first token in the call's trace, the fallback answers; when every model refuses,
 * the call's journaled error carries `errorClass: "refusal"` and the step fails without retrying.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { builtinCatalog, createModelClient, mergeCatalog } from "../../src/models/index.js";
import type { ModelCallEndEvent, ModelResponse } from "../../src/spec/index.js";
import { type FakeProvider, reply, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { type Harness, jsonSchema, loadTestWorkflow, storeEngines } from "./harness.js";

const yaml = `quorum: 1
name: refused
inputs:
  topic: { type: string }
documents:
  doc: { schema: schemas/doc.json }
steps:
  - id: write
    kind: model
    prompt: prompts/write.md
    models: [openai/gpt-4o-mini, anthropic/claude-haiku-4-5]
    outputs: [doc]
    retries: 2
`;
const files = {
  "prompts/write.md": "Write about {{ inputs.topic }}.",
  "schemas/doc.json": jsonSchema(["body"]),
};

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.stop());

const client = () =>
  createModelClient({
    catalog: mergeCatalog(builtinCatalog(), {
      providers: {
        openai: { preset: "openai", baseURL: fake.baseURL },
        anthropic: { preset: "anthropic", baseURL: fake.baseURL },
      },
    }),
    env: { OPENAI_API_KEY: "sk-refusal-0001", ANTHROPIC_API_KEY: "sk-ant-refusal-0002" },
    sleep: async () => {},
  });

const callEnds = (events: readonly { event: { type: string } }[]) =>
  events.map((e) => e.event).filter((e): e is ModelCallEndEvent => e.type === "model-call-end");

const engines = await storeEngines();

describe.each(engines)("refusals in runs ($name)", ({ make, skip }) => {
  let h: Harness;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
    fake.reset();
  });
  afterEach(async () => {
    await h?.close();
  });

  it("a refusal falls back and is journaled in the call's trace as class refusal", async () => {
    fake.script({ ...reply.refusalMessage(), match: { model: "gpt-4o-mini" } }, reply.json({ body: "ok" }));
    const runtime = h.runtime(client());
    const run = await runtime.start(loadTestWorkflow(yaml, files), { topic: "tea" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    const [end] = callEnds(await h.store.readEvents(run.id));
    expect(end).toMatchObject({ outcome: "ok", model: "anthropic/claude-haiku-4-5" });
    const trace = (end!.result as unknown as ModelResponse).trace!.attempts;
    expect(trace.map((a) => [a.model, a.outcome, a.errorClass])).toEqual([
      ["openai/gpt-4o-mini", "failed", "refusal"],
      ["anthropic/claude-haiku-4-5", "ok", undefined],
    ]);
    expect(fake.requests.every((r) => r.stream)).toBe(true);
    expect(trace[1]!.ttftMs).toBeGreaterThanOrEqual(0);
  });

  it("when every model refuses, the journaled error says refusal and the step is not retried", async () => {
    fake.script(
      { ...reply.refusalMessage(), match: { wire: "openai" } },
      { ...reply.refusal(), match: { wire: "anthropic" } },
    );
    const runtime = h.runtime(client());
    const run = await runtime.start(loadTestWorkflow(yaml, files), { topic: "tea" });
    expect(await runtime.drive(run.id)).toBe("failed");
    const events = await h.store.readEvents(run.id);
    expect(callEnds(events)).toMatchObject([
      { outcome: "error", error: { name: "ModelCallError", isRetryable: false, errorClass: "refusal" } },
    ]);
    expect(events.map((e) => e.event).find((e) => e.type === "step-error")).toMatchObject({
      willRetry: false,
    });
  });
});
