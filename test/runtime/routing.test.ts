/**
 * Routing inside real runs (real engine, runtime and store, scripted models): every step's decision
 * is journaled before its first call, reused on resume instead of routing again, fails closed for
 * sensitive content with no local model, and gate verdicts become quality observations.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { builtinCatalog, createStepRouter } from "../../src/models/index.js";
import { Runtime, replayRun } from "../../src/runtime/index.js";
import type { RouteDecisionEvent, RunEvent, StepRouter } from "../../src/spec/index.js";
import { builtinExecutors } from "../../src/steps/index.js";
import { openStore } from "../../src/store/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, jsonSchema, loadTestWorkflow, storeEngines } from "./harness.js";

const files = {
  "prompts/write.md": "Write about {{ inputs.topic }}. {{ answers }}",
  "schemas/doc.json": jsonSchema(["body"]),
};

const workflow = (writeStep: string, extraDocs = "") => `quorum: 1
name: routed
inputs:
  topic: { type: string }
documents:
  doc: { schema: schemas/doc.json }
  report: { format: markdown }
${extraDocs}steps:
${writeStep}  - id: qa
    kind: gate
    inputs: [doc]
    outputs: [report]
    checks:
      - judge: { models: [anthropic/claude-sonnet-4-5], rubric: [accuracy] }
    threshold: 0.5
`;

const routedWrite = `  - id: write
    kind: model
    prompt: prompts/write.md
    outputs: [doc]
    routing: { task: writing, complexity: low, policy: cheapest-capable }
`;

/** Only Groq has a key: the router must choose among Groq models. */
const groqOnly = (id: string) => (id === "groq" ? undefined : `${id}: no key in the environment`);

const decisionsOf = (events: readonly { event: RunEvent }[]) =>
  events.map((e) => e.event).filter((e): e is RouteDecisionEvent => e.type === "route-decision");

const engines = await storeEngines();

describe.each(engines)("routing in runs ($name)", ({ make, skip }) => {
  let h: Harness;
  let router: StepRouter;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
    router = createStepRouter({
      catalog: builtinCatalog(),
      providerUnavailable: groqOnly,
      quality: h.store,
      now: Date.now,
    });
  });
  afterEach(async () => {
    await h?.close();
  });

  it("journals each decision before the first model call and asks the routed models in order", async () => {
    const models = scriptedModels((r) =>
      r.schemaName === "verdict"
        ? JSON.stringify({ scores: { accuracy: 0.9 }, findings: [] })
        : '{"body":"x"}',
    );
    const runtime = h.runtime(models, { router });
    const run = await runtime.start(loadTestWorkflow(workflow(routedWrite), files), { topic: "tea" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    const events = await h.store.readEvents(run.id);
    const [write, judge] = decisionsOf(events);
    expect(write).toMatchObject({
      stepId: "write",
      source: "routed",
      policy: "cheapest-capable",
      taskType: "writing",
    });
    expect(write!.models.length).toBeGreaterThan(0);
    expect(write!.models.every((m) => m.startsWith("groq/"))).toBe(true);
    expect(write!.rejected.some((r) => r.reason.includes("openai: no key"))).toBe(true);
    expect(models.calls[0]!.models).toEqual(write!.models);
    const decisionSeq = events.findIndex((e) => e.event.type === "route-decision");
    const firstCall = events.findIndex((e) => e.event.type === "model-call-start");
    expect(decisionSeq).toBeLessThan(firstCall);
    // The judge named its model: recorded as explicit.
    expect(judge).toMatchObject({
      stepId: "qa",
      purpose: "judge",
      source: "explicit",
      models: ["anthropic/claude-sonnet-4-5"],
    });
    // The gate's score became evidence for the writer's model on writing tasks.
    const observations = await h.store.listQualityObservations({ taskType: "writing" });
    expect(observations).toHaveLength(1);
    expect(observations[0]).toMatchObject({
      model: write!.models[0],
      score: 0.9,
      source: "gate",
      stepId: "write",
    });
  });

  it("a resumed step reuses its recorded decision instead of routing again", async () => {
    const asking = routedWrite.replace("    outputs: [doc]\n", "    outputs: [doc]\n    ask: true\n");
    const models = scriptedModels((r) => {
      if (r.schemaName === "verdict") return JSON.stringify({ scores: { accuracy: 1 }, findings: [] });
      return r.prompt.includes("Answers:")
        ? '{"body":"ok"}'
        : JSON.stringify({ clarificationQuestions: ["Which?"] });
    });
    let writeRoutings = 0;
    const counting: StepRouter = (request) => {
      if (request.step.id === "write") writeRoutings++;
      return router(request);
    };
    const runtime = h.runtime(models, { router: counting });
    const run = await runtime.start(loadTestWorkflow(workflow(asking), files), { topic: "tea" });
    expect(await runtime.drive(run.id)).toBe("waiting");
    expect(writeRoutings).toBe(1);
    // Another process whose router would now refuse the writer: the recorded decision still holds.
    const refusing: StepRouter = async (request) => {
      if (request.step.id !== "write") return router(request);
      writeRoutings++;
      return { source: "unroutable", models: [], candidates: [], rejected: [], error: "should not be asked" };
    };
    const later = new Runtime({ ...runtime.deps, store: await h.reopen(), router: refusing });
    await later.respond(run.id, "write", "Green");
    const outcome = await later.drive(run.id);
    expect(outcome).toBe("succeeded");
    expect(writeRoutings).toBe(1);
    const writes = decisionsOf(await h.store.readEvents(run.id)).filter((d) => d.stepId === "write");
    expect(writes).toHaveLength(1);
    expect(models.calls.filter((c) => c.schemaName === "doc").map((c) => c.models)).toEqual([
      writes[0]!.models,
      writes[0]!.models,
    ]);
  });

  it("fails closed, with a clear message and no call, when sensitive content has no local model", async () => {
    const models = scriptedModels(() => '{"body":"x"}');
    const runtime = h.runtime(models, { router });
    const yaml = `quorum: 1
name: private
inputs:
  topic: { type: string }
documents:
  doc: { schema: schemas/doc.json, sensitive: true }
steps:
${routedWrite}`;
    const run = await runtime.start(loadTestWorkflow(yaml, files), { topic: "secret" });
    expect(await runtime.drive(run.id)).toBe("failed");
    expect(models.calls).toHaveLength(0);
    const events = (await h.store.readEvents(run.id)).map((e) => e.event);
    const error = events.find((e) => e.type === "step-error");
    expect(error).toMatchObject({ stepId: "write", willRetry: false, error: { name: "RoutingError" } });
    expect(error?.type === "step-error" && error.error.message).toMatch(
      /sensitive.*no local model qualifies.*Fix:/,
    );
    expect(decisionsOf(await h.store.readEvents(run.id))[0]).toMatchObject({ source: "unroutable" });
  });

  it("replays a routed run identically: the recorded decisions, not a new routing, pick the models", async () => {
    const models = scriptedModels((r) =>
      r.schemaName === "verdict"
        ? JSON.stringify({ scores: { accuracy: 0.7 }, findings: [] })
        : '{"body":"x"}',
    );
    const run = await h
      .runtime(models, { router })
      .start(loadTestWorkflow(workflow(routedWrite), files), { topic: "tea" });
    expect(await h.runtime(models, { router }).drive(run.id)).toBe("succeeded");
    const scratch = await openStore("sqlite::memory:");
    try {
      const report = await replayRun(h.store, run.id, scratch, {
        executors: builtinExecutors,
        now: Date.now,
      });
      expect(report).toMatchObject({ identical: true, unrecordedCalls: 0, callsAnsweredFromJournal: 2 });
    } finally {
      await scratch.close();
    }
  });

  it("without a router, explicit models pass through and are still recorded as explicit", async () => {
    const models = scriptedModels((r) =>
      r.schemaName === "verdict" ? JSON.stringify({ scores: { accuracy: 1 }, findings: [] }) : '{"body":"x"}',
    );
    const named = routedWrite.replace(
      "    routing:",
      "    models: [openai/gpt-4o-mini, groq/llama-3.1-8b-instant]\n    routing:",
    );
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(workflow(named), files), { topic: "tea" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    const [write] = decisionsOf(await h.store.readEvents(run.id));
    expect(write).toMatchObject({
      source: "explicit",
      models: ["openai/gpt-4o-mini", "groq/llama-3.1-8b-instant"],
    });
    expect(models.calls[0]!.models).toEqual(["openai/gpt-4o-mini", "groq/llama-3.1-8b-instant"]);
  });
});
