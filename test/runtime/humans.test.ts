/**
 * Quality gates, clarification, approval, cancellation and conditions, end to end on SQLite; every
 * wait is resumed by a fresh Runtime on a second connection, as another process would.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Runtime } from "../../src/runtime/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, jsonSchema, loadTestWorkflow, storeEngines } from "./harness.js";

const files = {
  "prompts/write.md": "Write about {{ inputs.topic }}. {{ feedback }} {{ answers }}",
  "prompts/review.md": "Review it.",
  "schemas/doc.json": jsonSchema(["body"]),
};

const gated = (extra = "") => `quorum: 1
name: gated
inputs:
  topic: { type: string }
documents:
  doc: { schema: schemas/doc.json }
  report: { format: markdown }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - id: write
    kind: model
    prompt: prompts/write.md
    outputs: [doc]
${extra}  - id: qa
    kind: gate
    inputs: [doc]
    outputs: [report]
    checks:
      - schema: true
      - judge: { models: [anthropic/claude-sonnet-4-5], rubric: [accuracy, completeness] }
    threshold: 0.75
    remediate: [write]
    maxRounds: 2
  - id: sign-off
    kind: approval
    needs: [qa]
    onReject: { remediate: [write] }
`;

const engines = await storeEngines();

const verdict = (score: number, finding: string) =>
  JSON.stringify({ scores: { accuracy: score, completeness: score }, findings: [finding] });

describe.each(engines)("gates, humans and conditions ($name)", ({ make, skip }) => {
  let h: Harness;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
  });
  afterEach(async () => {
    await h?.close();
  });

  it("a gate rejects once, the producer is remediated with the findings, then approval finishes the run", async () => {
    let judged = 0;
    const models = scriptedModels((r) => {
      if (r.schemaName === "verdict") return verdict(judged++ === 0 ? 0.4 : 0.9, "cite sources");
      return JSON.stringify({ body: r.prompt.includes("cite sources") ? "with sources" : "first try" });
    });
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(gated(), files), { topic: "tea" });
    expect(await runtime.drive(run.id)).toBe("waiting");
    const writes = models.calls.filter((c) => c.schemaName === "doc");
    expect(writes).toHaveLength(2);
    expect(writes[1]!.prompt).toContain("score 0.4 (threshold 0.75)");
    const versions = (await h.store.listDocumentVersions(run.id, "doc")).map((d) => d.version);
    expect(versions).toEqual([1, 2]);

    // A fresh process approves; answering twice is harmless.
    const later = new Runtime({ ...runtime.deps, store: await h.reopen() });
    expect(await later.respond(run.id, "sign-off", { decision: "approve" }, "ann")).toBe("recorded");
    expect(await later.respond(run.id, "sign-off", { decision: "reject" }, "bob")).toBe("already-answered");
    expect(await later.drive(run.id)).toBe("succeeded");
    const ends = (await h.store.readEvents(run.id)).filter(
      (e) => e.event.type === "step-end" && e.event.stepId === "sign-off",
    );
    expect(ends[0]!.event).toMatchObject({ output: { decision: "approve", by: "ann" } });
  });

  it("a gate that never passes fails the run after maxRounds remediations", async () => {
    const models = scriptedModels((r) =>
      r.schemaName === "verdict" ? verdict(0.1, "bad") : JSON.stringify({ body: "x" }),
    );
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(gated(), files), { topic: "tea" });
    expect(await runtime.drive(run.id)).toBe("failed");
    expect(models.calls.filter((c) => c.schemaName === "doc")).toHaveLength(3);
    // Every verdict is journaled as data: two remediations, then the gate's final error.
    const events = (await h.store.readEvents(run.id)).map((e) => e.event);
    const verdicts = events.flatMap((e) =>
      (e.type === "remediation" || e.type === "step-error") && e.verdict ? [[e.type, e.verdict]] : [],
    );
    const scored = {
      passed: false,
      score: 0.1,
      threshold: 0.75,
      scores: { accuracy: 0.1, completeness: 0.1 },
    };
    expect(verdicts).toEqual([
      ["remediation", { round: 1, ...scored, findings: 1 }],
      ["remediation", { round: 2, ...scored, findings: 1 }],
      ["step-error", { round: 3, ...scored, findings: 1 }],
    ]);
  });

  it("a rejection sends the work back with the comment", async () => {
    const models = scriptedModels((r) =>
      r.schemaName === "verdict"
        ? verdict(1, "none")
        : JSON.stringify({ body: r.prompt.includes("shorter") ? "short" : "long" }),
    );
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(gated(), files), { topic: "tea" });
    expect(await runtime.drive(run.id)).toBe("waiting");
    await runtime.respond(run.id, "sign-off", { decision: "reject", comment: "make it shorter" }, "ann");
    expect(await runtime.drive(run.id)).toBe("waiting");
    expect(models.calls.filter((c) => c.schemaName === "doc").at(-1)!.prompt).toContain(
      "Rejected by ann: make it shorter",
    );
    await runtime.respond(run.id, "sign-off", { decision: "approve" }, "ann");
    expect(await runtime.drive(run.id)).toBe("succeeded");
  });

  it("a model step asks for clarification, waits, and continues with the answer", async () => {
    const yaml = gated().replace("    outputs: [doc]\n", "    outputs: [doc]\n    ask: true\n");
    const models = scriptedModels((r) => {
      if (r.schemaName === "verdict") return verdict(1, "none");
      return r.prompt.includes("Answers:")
        ? JSON.stringify({ body: "answered" })
        : JSON.stringify({ clarificationQuestions: ["Which tea?"] });
    });
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(yaml, files), { topic: "tea" });
    expect(await runtime.drive(run.id)).toBe("waiting");
    expect(
      (await h.store.listWaitingRuns()).flatMap((w) => w.openRequests.map((r) => r.event.prompt)),
    ).toEqual(["1. Which tea?"]);
    const later = new Runtime({ ...runtime.deps, store: await h.reopen() });
    await later.respond(run.id, "write", "Green tea");
    expect(await later.drive(run.id)).toBe("waiting"); // now at the approval
    expect(models.calls.filter((c) => c.schemaName === "doc").at(-1)!.prompt).toContain("Green tea");
    expect(models.calls.filter((c) => c.schemaName === "doc")).toHaveLength(2); // the question call was not repeated
  });

  it("a run waiting for a person past its deadline is claimable then, and fails when driven", async () => {
    const models = scriptedModels((r) => (r.schemaName === "verdict" ? verdict(1, "none") : '{"body":"x"}'));
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(gated(), files), { topic: "tea" }, { deadlineMs: 400 });
    expect(await runtime.drive(run.id)).toBe("waiting");
    const waiting = await h.store.getRun(run.id);
    expect(waiting?.wakeAtMs).toBeGreaterThan(Date.now());
    expect(await h.store.claimRuns("worker", 10, 10_000)).toEqual([]);
    await new Promise((r) => setTimeout(r, Math.max(0, waiting!.wakeAtMs! - Date.now()) + 20));
    const claimed = await h.store.claimRuns("worker", 10, 10_000);
    expect(claimed.map((r) => r.id)).toEqual([run.id]);
    expect(await runtime.drive(run.id)).toBe("failed");
    expect((await h.store.readEvents(run.id)).at(-1)!.event).toMatchObject({
      type: "run-end",
      error: { name: "DeadlineExceeded" },
    });
  });

  it("an approval with timeout + onTimeout decides by itself when nobody answers in time", async () => {
    const yaml = gated().replace(
      "    onReject: { remediate: [write] }\n",
      "    timeout: 300ms\n    onTimeout: approve\n",
    );
    const models = scriptedModels((r) => (r.schemaName === "verdict" ? verdict(1, "none") : '{"body":"x"}'));
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(yaml, files), { topic: "tea" });
    expect(await runtime.drive(run.id)).toBe("waiting");
    const waiting = await h.store.getRun(run.id);
    expect(waiting?.wakeAtMs).toBeGreaterThan(Date.now());
    expect(await h.store.claimRuns("worker", 10, 10_000)).toEqual([]);
    await new Promise((r) => setTimeout(r, Math.max(0, waiting!.wakeAtMs! - Date.now()) + 20));
    expect((await h.store.claimRuns("worker", 10, 10_000)).map((r) => r.id)).toEqual([run.id]);
    // Another process drives it at the wake-up time: the default decision is journaled, by `timeout`.
    const later = new Runtime({ ...runtime.deps, store: await h.reopen() });
    expect(await later.drive(run.id)).toBe("succeeded");
    const events = (await h.store.readEvents(run.id)).map((e) => e.event);
    expect(events.find((e) => e.type === "human-input-response")).toMatchObject({
      respondedBy: "timeout",
      response: { decision: "approve" },
    });
    expect(events.find((e) => e.type === "step-end" && e.stepId === "sign-off")).toMatchObject({
      output: { decision: "approve", by: "timeout" },
    });
    // A person answering after the timeout changes nothing.
    await later.respond(run.id, "sign-off", { decision: "reject" }, "late");
    expect((await h.store.getRun(run.id))?.status).toBe("succeeded");
  });

  it("cancel stops in-flight calls within a second", async () => {
    const models = scriptedModels(() => JSON.stringify({ body: "x" }), { latencyMs: 30_000 });
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(gated(), files), { topic: "tea" });
    const driving = runtime.drive(run.id);
    await new Promise((r) => setTimeout(r, 100));
    const canceller = new Runtime({ ...runtime.deps, store: await h.reopen() });
    const started = Date.now();
    expect(await canceller.cancel(run.id)).toBe("cancelled");
    expect(await driving).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await h.store.getRun(run.id))?.status).toBe("cancelled");
  });

  it("skips a step whose condition is false, and its dependents unless they decide for themselves", async () => {
    const yaml = `quorum: 1
name: branches
inputs:
  mode: { type: enum, values: [a, b] }
documents:
  a-doc: { format: markdown }
  b-doc: { format: markdown }
  merged: { format: markdown }
  after-a: { format: markdown }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - { id: a, kind: model, prompt: prompts/p.md, when: "inputs.mode == 'a'", outputs: [a-doc] }
  - { id: b, kind: model, prompt: prompts/p.md, when: "inputs.mode == 'b'", outputs: [b-doc] }
  - { id: use-a, kind: model, prompt: prompts/p.md, inputs: [a-doc], outputs: [after-a] }
  - { id: merge, kind: model, prompt: prompts/p.md, inputs: [a-doc, b-doc], outputs: [merged], when: "exists(documents.a-doc) || exists(documents.b-doc)" }
`;
    const runtime = h.runtime(scriptedModels(() => "text"));
    const run = await runtime.start(loadTestWorkflow(yaml, { "prompts/p.md": "go" }), { mode: "b" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    const skipped = (await h.store.readEvents(run.id)).flatMap((e) =>
      e.event.type === "step-skip" ? [e.event.stepId] : [],
    );
    expect(skipped.sort()).toEqual(["a", "use-a"]);
    expect((await h.store.listDocumentVersions(run.id)).map((d) => d.documentId).sort()).toEqual([
      "b-doc",
      "merged",
    ]);
  });
});

describe("replay", () => {
  it("re-executes a recorded run with zero live calls and reproduces its documents; a gap is reported", async () => {
    const h = await (await import("./harness.js")).sqliteHarness();
    try {
      let judged = 0;
      const models = scriptedModels((r) => {
        if (r.schemaName === "verdict") return verdict(judged++ === 0 ? 0.4 : 0.9, "cite sources");
        return JSON.stringify({ body: r.prompt.includes("cite sources") ? "with sources" : "first try" });
      });
      const runtime = h.runtime(models);
      const run = await runtime.start(loadTestWorkflow(gated(), files), { topic: "tea" });
      await runtime.drive(run.id);
      await runtime.respond(run.id, "sign-off", { decision: "approve" }, "ann");
      expect(await runtime.drive(run.id)).toBe("succeeded");
      const liveCalls = models.calls.length;

      const { replayRun } = await import("../../src/runtime/index.js");
      const { openStore } = await import("../../src/store/index.js");
      const { builtinExecutors } = await import("../../src/steps/index.js");
      const scratch = await openStore("sqlite::memory:");
      const report = await replayRun(h.store, run.id, scratch, {
        executors: builtinExecutors,
        now: Date.now,
      });
      await scratch.close();
      expect(report).toMatchObject({
        outcome: "succeeded",
        unrecordedCalls: 0,
        identical: true,
        callsAnsweredFromJournal: liveCalls,
      });
      expect(report.documents.map((d) => `${d.documentId}@${d.version}`).sort()).toEqual([
        "doc@1",
        "doc@2",
        "report@1",
      ]);
      expect(models.calls.length).toBe(liveCalls); // nothing live

      // A journal missing one recorded call cannot be replayed faithfully, and says so.
      let dropped = false;
      const gappy = Object.create(h.store, {
        readEvents: {
          value: async (id: string) =>
            (await h.store.readEvents(id)).filter((e) => {
              if (dropped || e.event.type !== "model-call-end") return true;
              dropped = true;
              return false;
            }),
        },
      });
      const scratch2 = await openStore("sqlite::memory:");
      const broken = await replayRun(gappy, run.id, scratch2, { executors: builtinExecutors, now: Date.now });
      await scratch2.close();
      expect(broken.unrecordedCalls).toBeGreaterThan(0);
      expect(broken.identical).toBe(false);
    } finally {
      await h.close();
    }
  });
});
