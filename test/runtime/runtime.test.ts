/**
 * End to end over the real engine, runtime and SQLite store with scripted models: documents and
 * lineage, exactly-once calls across an interrupted run, retries, schema repair, remediation,
 * clarification, approval, cancellation, conditions.
 */
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ModelClient, RunEvent } from "../../src/spec/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, jsonSchema, loadTestWorkflow, storeEngines } from "./harness.js";

const chainYaml = `quorum: 1
name: chain
inputs:
  topic: { type: string }
documents:
  outline: { schema: schemas/outline.json }
  draft: { format: markdown }
defaults:
  models: [openai/gpt-4o-mini]
  retries: 1
steps:
  - id: outline
    kind: model
    prompt: prompts/outline.md
    outputs: [outline]
  - id: draft
    kind: model
    prompt: prompts/draft.md
    inputs: [outline]
    outputs: [draft]
`;
const chainFiles = {
  "prompts/outline.md": "Outline {{ inputs.topic }}.{{ feedback }}",
  "prompts/draft.md": "Write from {{ documents.outline.title }}.",
  "schemas/outline.json": jsonSchema(["title"]),
};

const engines = await storeEngines();

describe.each(engines)("runtime on SQLite ($name)", ({ make, skip }) => {
  let h: Harness;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
  });
  afterEach(async () => {
    await h?.close();
  });

  it("runs a chain, stores versioned documents with lineage, calls each model once", async () => {
    const models = scriptedModels((r) => (r.schema ? JSON.stringify({ title: "Cats" }) : "# Cats\nText."));
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(chainYaml, chainFiles), { topic: "cats" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    expect(models.calls.map((c) => c.prompt)).toEqual(["Outline cats.", "Write from Cats."]);
    const docs = await h.store.listDocumentVersions(run.id);
    expect(docs.map((d) => [d.documentId, d.version, d.stepId]).sort()).toEqual([
      ["draft", 1, "draft"],
      ["outline", 1, "outline"],
    ]);
    expect(docs.find((d) => d.documentId === "draft")!.inputVersions).toEqual([
      { documentId: "outline", version: 1 },
    ]);
    expect((await h.store.getRun(run.id))?.status).toBe("succeeded");
  });

  it("starts the critical step's call before steps with slack, and under a limit gives it the slot", async () => {
    // `side` comes first in the file but has slack; `head` starts the long chain head -> tail.
    const yaml = `quorum: 1
name: urgency
documents:
  s: { format: markdown }
  h: { format: markdown }
  t: { format: markdown }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - { id: side, kind: model, prompt: prompts/side.md, outputs: [s], estimate: { duration: 1s } }
  - { id: head, kind: model, prompt: prompts/head.md, outputs: [h], estimate: { duration: 1s } }
  - { id: tail, kind: model, prompt: prompts/tail.md, inputs: [h], outputs: [t], estimate: { duration: 5s } }
`;
    const files = { "prompts/side.md": "side", "prompts/head.md": "head", "prompts/tail.md": "tail" };
    for (const maxConcurrentSteps of [Number.POSITIVE_INFINITY, 1]) {
      const models = scriptedModels(() => "# ok");
      const runtime = h.runtime(models, { maxConcurrentSteps });
      const run = await runtime.start(loadTestWorkflow(yaml, files), {});
      expect(await runtime.drive(run.id)).toBe("succeeded");
      expect(models.calls.map((c) => c.prompt)[0], `limit ${maxConcurrentSteps}`).toBe("head");
      const started = (await h.store.readEvents(run.id))
        .map((e) => e.event)
        .flatMap((e) => (e.type === "step-start" ? [e.stepId] : []));
      expect(started, `limit ${maxConcurrentSteps}`).toEqual(
        maxConcurrentSteps === 1 ? ["head", "tail", "side"] : ["head", "side", "tail"],
      );
      // The step with slack is set up only after the critical step's call has started.
      const order = (await h.store.readEvents(run.id))
        .map((e) => e.event)
        .filter((e) => e.type !== "step-start" && "stepId" in e && e.stepId !== "tail")
        .map((e) => `${e.type} ${"stepId" in e ? e.stepId : ""}`);
      expect(order.indexOf("model-call-start head")).toBeLessThan(order.indexOf("route-decision side"));
    }
  });

  it("journals a call whose client throws instead of rejecting as a failed call, and retries it", async () => {
    let thrown = 0;
    const inner = scriptedModels((r) => (r.schema ? JSON.stringify({ title: "Cats" }) : "# Cats"));
    const models: ModelClient = {
      specificationVersion: "v1",
      generate(request, options) {
        if (thrown++ === 0) throw new Error("client bug: thrown, not rejected");
        return inner.generate(request, options);
      },
    };
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(chainYaml, chainFiles), { topic: "cats" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    const ends = (await h.store.readEvents(run.id))
      .map((e) => e.event)
      .filter((e) => e.type === "model-call-end");
    expect(ends[0]).toMatchObject({
      outcome: "error",
      error: { message: "client bug: thrown, not rejected" },
    });
    expect(ends.filter((e) => e.outcome === "ok")).toHaveLength(2);
  });

  it("journals a small document's text whose UTF-8 is exactly its hash, even from a lone surrogate", async () => {
    const models = scriptedModels((r) =>
      r.schema ? JSON.stringify({ title: "Cats" }) : "# Cats \ud800 and \u00e9",
    );
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(chainYaml, chainFiles), { topic: "cats" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    const draft = (await h.store.listDocumentVersions(run.id, "draft"))[0]!;
    expect(draft.content).toBe("# Cats \ufffd and \u00e9");
    expect(createHash("sha256").update(draft.content!, "utf8").digest("hex")).toBe(draft.blobHash);
    expect(draft.sizeBytes).toBe(Buffer.byteLength(draft.content!));
  });

  it("never repeats a recorded call when a run is resumed by another process", async () => {
    // The outline call answers; the draft call hangs until the process "dies" (abort).
    const outlineOnly = scriptedModels(() => JSON.stringify({ title: "Cats" }));
    const first: ModelClient = {
      specificationVersion: "v1",
      generate: (request, options) =>
        request.schema
          ? outlineOnly.generate(request, options)
          : new Promise((_, reject) =>
              options?.signal?.addEventListener("abort", () => reject(new Error("killed"))),
            ),
    };
    const controller = new AbortController();
    const runtime = h.runtime(first);
    const run = await runtime.start(loadTestWorkflow(chainYaml, chainFiles), { topic: "cats" });
    const driving = runtime.drive(run.id, controller.signal);
    await waitFor(async () =>
      (await h.store.readEvents(run.id)).some(
        (e) => e.event.type === "model-call-start" && e.event.stepId === "draft",
      ),
    );
    controller.abort();
    expect(await driving).toBe("interrupted");

    const second = scriptedModels((r) => (r.schema ? JSON.stringify({ title: "Cats" }) : "draft"));
    const other = (await import("../../src/runtime/index.js")).Runtime;
    const store2 = await h.reopen();
    const resumed = new other({ ...runtime.deps, store: store2, models: second });
    expect(await resumed.drive(run.id)).toBe("succeeded");
    // The outline call was recorded: only the draft call, in flight at the "crash", runs again.
    expect(second.calls.map((c) => c.prompt)).toEqual(["Write from Cats."]);
  });

  it("never sends a call whose run was cancelled while the call's start was committing", async () => {
    // A client that only listens for a later abort (as some do): handed an aborted signal, it would hang.
    let calls = 0;
    const models: ModelClient = {
      specificationVersion: "v1",
      generate: (_request, options) => {
        calls++;
        return new Promise((_, reject) =>
          options?.signal?.addEventListener("abort", () => reject(new Error("aborted"))),
        );
      },
    };
    const controller = new AbortController();
    const base = h.runtime(models);
    const store = new Proxy(h.store, {
      get(target, key) {
        if (key === "appendEvents")
          return (...args: Parameters<typeof target.appendEvents>) => {
            if (args[2].some((e) => e.type === "model-call-start")) controller.abort(new Error("cancel"));
            return target.appendEvents(...args);
          };
        const value = Reflect.get(target, key);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const { Runtime } = await import("../../src/runtime/index.js");
    const runtime = new Runtime({ ...base.deps, store });
    const run = await runtime.start(loadTestWorkflow(chainYaml, chainFiles), { topic: "cats" });
    expect(await runtime.drive(run.id, controller.signal)).toBe("interrupted");
    expect(calls).toBe(0);
  }, 10_000);

  it("times an attempt out, aborts its call, and retries", async () => {
    let calls = 0;
    const models: ModelClient = {
      specificationVersion: "v1",
      generate: (_request, options) =>
        calls++ === 0
          ? new Promise((_, reject) =>
              options?.signal?.addEventListener("abort", () => reject(new Error("aborted"))),
            )
          : Promise.resolve({
              text: JSON.stringify({ title: "T" }),
              model: "m",
              usage: { inputTokens: 1, outputTokens: 1 },
            }),
    };
    const yaml = chainYaml.replace(
      "    outputs: [outline]\n",
      "    outputs: [outline]\n    timeout: 300ms\n",
    );
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(yaml, chainFiles), { topic: "x" });
    const started = Date.now();
    expect(await runtime.drive(run.id)).toBe("succeeded");
    expect(Date.now() - started).toBeLessThan(3000);
    const errors = (await h.store.readEvents(run.id)).filter((e) => e.event.type === "step-error");
    expect(errors.map((e) => e.event)).toEqual([
      expect.objectContaining({
        stepId: "outline",
        willRetry: true,
        error: expect.objectContaining({ name: "TimeoutError" }),
      }),
    ]);
  });

  it("forks a run from a step: upstream is reused, the rest runs again", async () => {
    const models = scriptedModels((r) => (r.schema ? JSON.stringify({ title: "Cats" }) : "draft one"));
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(chainYaml, chainFiles), { topic: "cats" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    const { forkRun } = await import("../../src/runtime/index.js");
    const forked = await forkRun(runtime, run.id, "draft");
    expect(forked.reusedSteps).toEqual(["outline"]);
    expect(await runtime.drive(forked.run.id)).toBe("succeeded");
    expect(models.calls.map((c) => c.prompt)).toEqual([
      "Outline cats.",
      "Write from Cats.",
      "Write from Cats.",
    ]);
    const docs = await h.store.listDocumentVersions(forked.run.id);
    expect(docs.map((d) => d.documentId).sort()).toEqual(["draft", "outline"]);
    await expect(forkRun(runtime, run.id, "nope")).rejects.toThrow(/has no step 'nope'/);
  });

  it("fails a run that passes its deadline, aborting what is in flight", async () => {
    const models = scriptedModels(() => JSON.stringify({ title: "T" }), { latencyMs: 30_000 });
    const runtime = h.runtime(models);
    const run = await runtime.start(
      loadTestWorkflow(chainYaml, chainFiles),
      { topic: "x" },
      { deadlineMs: 300 },
    );
    const started = Date.now();
    expect(await runtime.drive(run.id)).toBe("failed");
    expect(Date.now() - started).toBeLessThan(2000);
    const end = (await h.store.readEvents(run.id)).at(-1)!.event;
    expect(end).toMatchObject({ type: "run-end", status: "failed", error: { name: "DeadlineExceeded" } });
  });

  it("shares a process-wide step limit between runs", async () => {
    const { StepSlots } = await import("../../src/runtime/index.js");
    let inFlight = 0;
    let peak = 0;
    const models: ModelClient = {
      specificationVersion: "v1",
      async generate(request) {
        peak = Math.max(peak, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return {
          text: request.schema ? JSON.stringify({ title: "T" }) : "d",
          model: "m",
          usage: { inputTokens: 1, outputTokens: 1 },
        };
      },
    };
    const runtime = h.runtime(models, { slots: new StepSlots(2) });
    const workflow = loadTestWorkflow(chainYaml, chainFiles);
    const runs = await Promise.all([1, 2, 3, 4, 5].map(() => runtime.start(workflow, { topic: "x" })));
    expect(await Promise.all(runs.map((r) => runtime.drive(r.id)))).toEqual(Array(5).fill("succeeded"));
    expect(peak).toBe(2);
  });

  it("serves runs fairly under the step limit: a wide run's queued steps do not hold back a later run", async () => {
    const { StepSlots } = await import("../../src/runtime/index.js");
    const callOrder: string[] = [];
    const models: ModelClient = {
      specificationVersion: "v1",
      async generate(request) {
        callOrder.push(request.prompt);
        // Long enough for the small run to be queued before the first slot frees.
        await new Promise((r) => setTimeout(r, request.prompt === "wide" ? 60 : 1));
        return { text: "d", model: "m", usage: { inputTokens: 1, outputTokens: 1 } };
      },
    };
    const runtime = h.runtime(models, { slots: new StepSlots(2) });
    const wideSteps = Array.from(
      { length: 12 },
      (_, i) => `  - { id: w${i}, kind: model, prompt: prompts/w.md, outputs: [d${i}] }`,
    );
    const wide = loadTestWorkflow(
      `quorum: 1\nname: wide\ndocuments: {${wideSteps.map((_, i) => ` d${i}: { format: markdown }`).join(",")} }\ndefaults: { models: [openai/gpt-4o-mini] }\nsteps:\n${wideSteps.join("\n")}\n`,
      { "prompts/w.md": "wide" },
    );
    const small = loadTestWorkflow(
      "quorum: 1\nname: small\ndocuments: { s: { format: markdown } }\ndefaults: { models: [openai/gpt-4o-mini] }\nsteps:\n  - { id: s, kind: model, prompt: prompts/s.md, outputs: [s] }\n",
      { "prompts/s.md": "small" },
    );
    const wideRun = await runtime.start(wide, {});
    const smallRun = await runtime.start(small, {});
    const wideDone = runtime.drive(wideRun.id);
    // The small run asks once the wide run's 12 steps hold both slots or wait for one.
    while (callOrder.length < 2) await new Promise((r) => setTimeout(r, 1));
    expect(await runtime.drive(smallRun.id)).toBe("succeeded");
    expect(await wideDone).toBe("succeeded");
    // First come first served makes it the 13th call. Fair, it gets the first slot freed: both first
    // calls end in the same tick, so it is the 3rd or 4th call (the other freed slot's step may leave
    // first, since the small run's first step also commits its run-start).
    expect(callOrder.indexOf("small")).toBeGreaterThanOrEqual(2);
    expect(callOrder.indexOf("small")).toBeLessThan(4);
  });

  it("tells onDriveStart the journal it found and the steps in flight it goes on with, not those waiting", async () => {
    const models = scriptedModels((r) => (r.schema ? JSON.stringify({ title: "T" }) : "d"));
    const workflow = loadTestWorkflow(chainYaml, chainFiles);
    const seen: Array<{ events: number; resumed: unknown }> = [];
    const runtime = h.runtime(models, {
      onDriveStart: (_id, journal, resumed) => seen.push({ events: journal.length, resumed }),
    });
    const started = async (...after: RunEvent[]) => {
      const run = await runtime.start(workflow, { topic: "x" });
      const start = { type: "run-start", workflowName: workflow.name, workflowHash: run.workflowHash };
      const events = [start, { type: "step-start", stepId: "outline", attempt: 2 }, ...after] as RunEvent[];
      await h.store.appendEvents(run.id, 0, events, { status: "pending" });
      return run.id;
    };
    // A crash while outline's attempt 2 ran: it goes on.
    expect(await runtime.drive(await started())).toBe("succeeded");
    expect(seen.at(-1)).toEqual({ events: 2, resumed: [{ stepId: "outline", attempt: 2 }] });
    // outline waits for a person: nothing is in flight; once answered it starts again by itself.
    const asked = {
      type: "human-input-request",
      requestId: "q1",
      stepId: "outline",
      kind: "answer",
      prompt: "?",
    };
    expect(await runtime.drive(await started(asked as RunEvent))).toBe("waiting");
    expect(seen.at(-1)).toEqual({ events: 3, resumed: [] });
  });

  it("two processes driving one run: one finishes it, the other stops with a clear error", async () => {
    const models = scriptedModels((r) => (r.schema ? JSON.stringify({ title: "T" }) : "d"), {
      latencyMs: 50,
    });
    const first = h.runtime(models);
    const run = await first.start(loadTestWorkflow(chainYaml, chainFiles), { topic: "x" });
    const { Runtime } = await import("../../src/runtime/index.js");
    const second = new Runtime({ ...first.deps, store: await h.reopen() });
    const outcomes = await Promise.allSettled([first.drive(run.id), second.drive(run.id)]);
    const fulfilled = outcomes.filter((o) => o.status === "fulfilled");
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(fulfilled.map((o) => (o as PromiseFulfilledResult<string>).value)).toEqual(["succeeded"]);
    expect(rejected.map((o) => (o.reason as Error).name)).toEqual(["RunBusyError"]);
    expect((await h.store.getRun(run.id))?.status).toBe("succeeded");
  });

  it("retries a failing step, then succeeds", async () => {
    const models = scriptedModels((r, i) =>
      i === 0
        ? Object.assign(new Error("503 overloaded"), { isRetryable: true })
        : r.schema
          ? JSON.stringify({ title: "T" })
          : "d",
    );
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(chainYaml, chainFiles), { topic: "x" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    const errors = (await h.store.readEvents(run.id)).filter((e) => e.event.type === "step-error");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.event).toMatchObject({ stepId: "outline", willRetry: true });
  });

  it("re-asks with the validation errors and never accepts an invalid document", async () => {
    const models = scriptedModels((r) =>
      r.schema ? (r.prompt.includes("rejected") ? '{"title":"ok"}' : '{"nope":1}') : "d",
    );
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(chainYaml, chainFiles), { topic: "x" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    expect(models.calls[1]!.prompt).toContain("must have required property 'title'");

    const never = scriptedModels((r) => (r.schema ? '{"nope":1}' : "d"));
    const failing = h.runtime(never);
    const run2 = await failing.start(loadTestWorkflow(chainYaml, chainFiles), { topic: "x" });
    expect(await failing.drive(run2.id)).toBe("failed");
    expect(await h.store.listDocumentVersions(run2.id)).toEqual([]);
  });

  it("fails a run with a clear error when the model never answers validly", async () => {
    const runtime = h.runtime(scriptedModels(() => new Error("401 invalid key")));
    const run = await runtime.start(loadTestWorkflow(chainYaml, chainFiles), { topic: "x" });
    expect(await runtime.drive(run.id)).toBe("failed");
    const end = (await h.store.readEvents(run.id)).at(-1)!.event;
    expect(end).toMatchObject({ type: "run-end", status: "failed" });
    expect(JSON.stringify(end)).toContain("401 invalid key");
  });

  it("refuses bad inputs and kinds it cannot run, before anything starts", async () => {
    const runtime = h.runtime(scriptedModels(() => "x"));
    await expect(runtime.start(loadTestWorkflow(chainYaml, chainFiles), { topik: "x" })).rejects.toThrow(
      /unknown input 'topik'[\s\S]*missing required input 'topic'/,
    );
    expect((await h.store.listRuns()).runs).toHaveLength(0);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
