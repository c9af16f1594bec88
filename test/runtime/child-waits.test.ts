/**
 * Child runs that wait for a person, end to end on the real runtime and both stores: the parent waits
 * with its child, the child's request is the only one in the inbox, answers (to the child or through
 * the parent's step) resume the tree from a fresh connection, a rejection fails the parent step without
 * asking again, a child finished by another process wakes its parent, cancel and deadlines reach the
 * waiting child, and replay re-executes the parent and its child from their journals.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadWorkflow } from "../../src/definition/index.js";
import { builtinCatalog } from "../../src/models/index.js";
import { forkRun, Runtime, replayRun } from "../../src/runtime/index.js";
import type { RunEvent, Workflow } from "../../src/spec/index.js";
import { builtinExecutors, type StepExecutor } from "../../src/steps/index.js";
import { openStore } from "../../src/store/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { childWaitPrompts, childYaml, parentYaml } from "../support/child-wait-project.js";
import { type Harness, jsonSchema, storeEngines } from "./harness.js";

function project(dir: string): Workflow {
  mkdirSync(join(dir, "prompts"));
  mkdirSync(join(dir, "schemas"));
  for (const [file, text] of Object.entries({
    "parent.yaml": parentYaml,
    "child.yaml": childYaml,
    ...childWaitPrompts,
    "schemas/doc.json": jsonSchema(["body"]),
  }))
    writeFileSync(join(dir, file), text);
  const loaded = loadWorkflow(join(dir, "parent.yaml"), { catalog: builtinCatalog() });
  if (!loaded.workflow) throw new Error(loaded.issues.map((i) => i.message).join("\n"));
  return loaded.workflow;
}

/** Asks once, then writes with the answer; the pitch echoes the summary. */
const asking = () =>
  scriptedModels((r) => {
    if (r.prompt.startsWith("Pitch")) return JSON.stringify({ body: r.prompt });
    return r.prompt.includes("Answers:")
      ? JSON.stringify({ body: `written ${r.prompt.includes("Green") ? "green" : "?"}` })
      : JSON.stringify({ clarificationQuestions: ["Which tea?"] });
  });

const engines = await storeEngines();

describe.each(engines)("child runs waiting for a person ($name)", ({ make, skip }) => {
  let h: Harness;
  let dir: string;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
    dir = mkdtempSync(join(tmpdir(), "quorum-child-waits-"));
  });
  afterEach(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const events = async (runId: string): Promise<RunEvent[]> =>
    (await h.store.readEvents(runId)).map((e) => e.event);
  const inbox = async () =>
    (await h.store.listWaitingRuns()).flatMap((w) =>
      w.openRequests.map((r) => ({ runId: w.run.id, stepId: r.event.stepId, prompt: r.event.prompt })),
    );

  /** Starts the parent and drives it to the child's clarification. */
  async function untilAsked(models = asking()) {
    const runtime = h.runtime(models);
    const run = await runtime.start(project(dir), { idea: "tea" });
    expect(await runtime.drive(run.id)).toBe("waiting");
    return { runtime, run, childId: `${run.id}.research.r1a1`, models };
  }
  const fresh = async (runtime: Runtime) => new Runtime({ ...runtime.deps, store: await h.reopen() });

  it("the parent waits with its child; answered from another process, both finish", async () => {
    const { runtime, run, childId, models } = await untilAsked();
    expect((await h.store.getRun(run.id))?.status).toBe("waiting");
    expect((await h.store.getRun(childId))?.status).toBe("waiting");
    expect(await inbox()).toEqual([{ runId: childId, stepId: "write", prompt: "1. Which tea?" }]);
    expect(await events(run.id)).toContainEqual({
      type: "child-run-wait",
      stepId: "research",
      attempt: 1,
      childRunId: childId,
    });

    const later = await fresh(runtime);
    expect(await later.respond(childId, "write", "Green")).toBe("recorded");
    expect((await h.store.getRun(run.id))?.status).toBe("pending"); // woken: a worker may claim it
    expect(await later.respond(childId, "write", "Other")).toBe("already-answered");
    expect(await later.resumeRoot(childId)).toBe(run.id);
    expect(await later.drive(run.id)).toBe("waiting"); // the child's approval now
    expect(await inbox()).toEqual([{ runId: childId, stepId: "sign-off", prompt: expect.any(String) }]);

    // Addressed through the parent's step: it reaches the child's one open request.
    expect(await (await fresh(runtime)).respond(run.id, "research", { decision: "approve" }, "ann")).toBe(
      "recorded",
    );
    expect(await runtime.respond(run.id, "research", { decision: "reject" })).toBe("already-answered");
    expect(await (await fresh(runtime)).drive(run.id)).toBe("succeeded");

    expect((await h.store.getRun(childId))?.status).toBe("succeeded");
    expect((await h.store.listRuns()).runs).toHaveLength(2); // never two children for one attempt
    const prompts = models.calls.map((c) => c.prompt.split("\n")[0]);
    expect(prompts.filter((p) => p?.startsWith("Write"))).toHaveLength(2); // the question call not repeated
    expect(models.calls.at(-1)?.prompt).toBe("Pitch written green");
    const parentEvents = await events(run.id);
    expect(parentEvents.filter((e) => e.type === "child-run-wait")).toHaveLength(2);
    expect(parentEvents.filter((e) => e.type === "child-run-resume")).toHaveLength(2);
    expect(parentEvents.filter((e) => e.type === "human-input-request")).toHaveLength(0);
  });

  it("a rejection inside the child fails the parent step without asking again", async () => {
    const { runtime, run, childId } = await untilAsked();
    await runtime.respond(childId, "write", "Green");
    expect(await runtime.drive(run.id)).toBe("waiting");
    await (await fresh(runtime)).respond(childId, "sign-off", { decision: "reject", comment: "no" }, "bob");
    expect(await (await fresh(runtime)).drive(run.id)).toBe("failed");
    const errors = (await events(run.id)).filter((e) => e.type === "step-error");
    expect(errors).toEqual([
      expect.objectContaining({
        stepId: "research",
        willRetry: false,
        error: expect.objectContaining({ name: "ChildRunFailed" }),
      }),
    ]);
    expect((await h.store.listRuns()).runs.map((r) => r.status).sort()).toEqual(["failed", "failed"]);
  });

  it("a child finished by another process wakes its parent, even when whoever answered crashed first", async () => {
    const { runtime, run, childId } = await untilAsked();
    /** An answer appended to the child without waking the parent: the process died right after it. */
    const answerBehindTheParentsBack = async (response: unknown) => {
      const child = (await h.store.getRun(childId))!;
      const request = (await events(childId)).findLast((e) => e.type === "human-input-request");
      await h.store.appendEvents(
        childId,
        child.nextSeq,
        [
          {
            type: "human-input-response",
            requestId: (request as { requestId: string }).requestId,
            response: response as string,
          },
        ],
        { status: "pending" },
      );
    };
    await answerBehindTheParentsBack("Green");
    expect((await h.store.getRun(run.id))?.status).toBe("waiting");
    // `quorum resume PARENT` finds the child no longer waiting and goes on with it.
    expect(await (await fresh(runtime)).drive(run.id)).toBe("waiting");
    expect(await inbox()).toEqual([{ runId: childId, stepId: "sign-off", prompt: expect.any(String) }]);
    // The child driven to its end on its own (a worker claimed it) wakes the parent.
    await answerBehindTheParentsBack({ decision: "approve" });
    expect((await h.store.getRun(run.id))?.status).toBe("waiting");
    expect(await (await fresh(runtime)).drive(childId)).toBe("succeeded");
    expect((await h.store.getRun(run.id))?.status).toBe("pending");
    expect(await (await fresh(runtime)).drive(run.id)).toBe("succeeded");
    expect((await h.store.listRuns()).runs).toHaveLength(2);
  });

  it("cancelling a waiting parent cancels its waiting child", async () => {
    const { runtime, run, childId } = await untilAsked();
    expect(await (await fresh(runtime)).cancel(run.id)).toBe("cancelled");
    expect((await h.store.getRun(childId))?.status).toBe("cancelled");
    expect(await inbox()).toEqual([]);
  });

  it("cancelling the waiting child wakes the parent, whose step then fails", async () => {
    const { runtime, run, childId } = await untilAsked();
    expect(await (await fresh(runtime)).cancel(childId)).toBe("cancelled");
    expect((await h.store.getRun(run.id))?.status).toBe("pending");
    expect(await (await fresh(runtime)).drive(run.id)).toBe("failed");
    expect((await events(run.id)).find((e) => e.type === "step-error")).toMatchObject({
      stepId: "research",
      willRetry: false,
      error: { name: "ChildRunCancelled" },
    });
  });

  it("the run deadline reaches a waiting child: both wake at it and fail", async () => {
    const runtime = h.runtime(asking());
    const run = await runtime.start(project(dir), { idea: "tea" }, { deadlineMs: 500 });
    expect(await runtime.drive(run.id)).toBe("waiting");
    const childId = `${run.id}.research.r1a1`;
    const parent = (await h.store.getRun(run.id))!;
    expect(parent.wakeAtMs).toBeGreaterThan(Date.now());
    expect((await h.store.getRun(childId))?.wakeAtMs).toBe(parent.wakeAtMs);
    await new Promise((r) => setTimeout(r, Math.max(0, parent.wakeAtMs! - Date.now()) + 20));
    const claimed = (await h.store.claimRuns("worker", 10, 10_000)).map((r) => r.id).sort();
    expect(claimed).toEqual([run.id, childId].sort());
    expect(await (await fresh(runtime)).drive(run.id)).toBe("failed");
    expect(await (await fresh(runtime)).drive(childId)).toBe("failed");
    expect((await events(childId)).at(-1)).toMatchObject({ error: { name: "DeadlineExceeded" } });
  });

  it("replays a parent and its child from their journals: zero live calls, identical documents", async () => {
    const { runtime, run, childId } = await untilAsked();
    await runtime.respond(childId, "write", "Green");
    expect(await runtime.drive(run.id)).toBe("waiting");
    await runtime.respond(run.id, "research", { decision: "approve" });
    expect(await runtime.drive(run.id)).toBe("succeeded");

    const scratch = await openStore("sqlite::memory:");
    try {
      const report = await replayRun(h.store, run.id, scratch, {
        executors: builtinExecutors,
        now: Date.now,
      });
      expect(report).toMatchObject({ outcome: "succeeded", unrecordedCalls: 0, identical: true });
      expect(report.callsAnsweredFromJournal).toBe(3);
      expect(report.children).toEqual([
        {
          runId: childId,
          originalStatus: "succeeded",
          outcome: "succeeded",
          documents: [{ documentId: "summary", version: 1, identical: true }],
          identical: true,
        },
      ]);
      // An engine or executor that behaves differently inside the child is caught there.
      const model = builtinExecutors.model!;
      const changed: StepExecutor = {
        execute: (context) =>
          model.execute(
            context.runId === childId && "prompt" in context.step && context.step.prompt
              ? {
                  ...context,
                  step: { ...context.step, prompt: { ...context.step.prompt, text: "Something else" } },
                }
              : context,
          ),
      };
      const scratch2 = await openStore("sqlite::memory:");
      const diverged = await replayRun(h.store, run.id, scratch2, {
        executors: { ...builtinExecutors, model: changed },
        now: Date.now,
      });
      await scratch2.close();
      expect(diverged).toMatchObject({ identical: false, outcome: "failed" });
      expect(diverged.unrecordedCalls).toBeGreaterThan(0);
      // The step's retry started a second child the recording never had: reported as well.
      expect(diverged.children).toEqual([
        expect.objectContaining({ runId: childId, outcome: "failed", identical: false }),
        expect.objectContaining({ runId: `${run.id}.research.r1a2`, originalStatus: "missing" }),
      ]);
    } finally {
      await scratch.close();
    }
  });

  it("fork: downstream of the workflow step reuses its child; from it, a fresh child runs", async () => {
    const { runtime, run, childId, models } = await untilAsked();
    await runtime.respond(childId, "write", "Green");
    await runtime.drive(run.id);
    await runtime.respond(run.id, "research", { decision: "approve" });
    expect(await runtime.drive(run.id)).toBe("succeeded");

    const calls = models.calls.length;
    const downstream = await forkRun(runtime, run.id, "pitch");
    expect(downstream.reusedSteps).toEqual(["research"]);
    expect(await runtime.drive(downstream.run.id)).toBe("succeeded");
    expect(models.calls.length).toBe(calls + 1); // only the pitch ran again
    expect(await h.store.getRun(`${downstream.run.id}.research.r1a1`)).toBeUndefined();
    // Its replay answers the reused step's child from the child it reused.
    const scratch = await openStore("sqlite::memory:");
    try {
      const report = await replayRun(h.store, downstream.run.id, scratch, {
        executors: builtinExecutors,
        now: Date.now,
      });
      expect(report).toMatchObject({ identical: true, unrecordedCalls: 0 });
      expect(report.children).toEqual([
        expect.objectContaining({ runId: `${downstream.run.id}.research.r1a1`, recordedRunId: childId }),
      ]);
    } finally {
      await scratch.close();
    }

    const again = await forkRun(runtime, run.id, "research");
    expect(again.reusedSteps).toEqual([]);
    expect(await runtime.drive(again.run.id)).toBe("waiting"); // a new child, asking again
    expect((await h.store.getRun(`${again.run.id}.research.r1a1`))?.status).toBe("waiting");
  });

  it("two workers drive the answered parent and child at once; both finish", async () => {
    const { runtime, run, childId } = await untilAsked();
    await runtime.respond(childId, "write", "Green");
    const claimed = (await h.store.claimRuns("worker-a", 10, 10_000)).map((r) => r.id).sort();
    expect(claimed).toEqual([run.id, childId].sort());
    const a = await fresh(runtime);
    const b = await fresh(runtime);
    // One of them may find the other driving the child (RunBusyError): it stops, nothing is lost.
    await Promise.allSettled([a.drive(run.id), b.drive(childId)]);
    expect(await a.drive(run.id)).toBe("waiting");
    await b.respond(childId, "sign-off", { decision: "approve" });
    await Promise.allSettled([a.drive(run.id), b.drive(childId)]);
    expect(await a.drive(run.id)).toBe("succeeded");
    expect((await h.store.getRun(childId))?.status).toBe("succeeded");
    expect((await h.store.listRuns()).runs).toHaveLength(2);
  });

  it("a grandchild's request is answered through the top run's step; the whole tree finishes", async () => {
    project(dir); // the files; the parent is reloaded below calling middle.yaml
    writeFileSync(
      join(dir, "middle.yaml"),
      childYaml
        .replace("name: child", "name: middle")
        .replace(
          / {2}- id: write[\s\S]*/,
          '  - id: inner\n    kind: workflow\n    workflow: child.yaml\n    with:\n      topic: "{{ inputs.topic }}"\n    outputs: [summary]\n',
        ),
    );
    writeFileSync(
      join(dir, "parent.yaml"),
      parentYaml.replace("workflow: child.yaml", "workflow: middle.yaml"),
    );
    const loaded = loadWorkflow(join(dir, "parent.yaml"), { catalog: builtinCatalog() });
    expect(loaded.workflow, loaded.issues.map((i) => i.message).join("\n")).toBeDefined();
    const runtime = h.runtime(asking());
    const run = await runtime.start(loaded.workflow!, { idea: "tea" });
    expect(await runtime.drive(run.id)).toBe("waiting");
    const middleId = `${run.id}.research.r1a1`;
    const grandId = `${middleId}.inner.r1a1`;
    expect((await inbox()).map((i) => i.runId)).toEqual([grandId]);
    expect((await h.store.getRun(middleId))?.status).toBe("waiting");

    const later = await fresh(runtime);
    expect(await later.respond(run.id, "research", "Green")).toBe("recorded");
    expect((await h.store.getRun(middleId))?.status).toBe("pending");
    expect((await h.store.getRun(run.id))?.status).toBe("pending");
    expect(await later.resumeRoot(grandId)).toBe(run.id);
    expect(await later.drive(run.id)).toBe("waiting");
    expect(await later.respond(run.id, "research", { decision: "approve" })).toBe("recorded");
    expect(await later.drive(run.id)).toBe("succeeded");
    expect((await h.store.listRuns()).runs.map((r) => r.status)).toEqual([
      "succeeded",
      "succeeded",
      "succeeded",
    ]);
  });

  it("answered while the parent's process still runs another branch: that process goes on with the child", async () => {
    project(dir);
    writeFileSync(
      join(dir, "parent.yaml"),
      `${parentYaml.replace("  pitch: {", "  notes: { schema: schemas/doc.json }\n  pitch: {")}  - id: slow\n    kind: model\n    prompt: prompts/slow.md\n    outputs: [notes]\n`,
    );
    writeFileSync(join(dir, "prompts/slow.md"), "Slow notes");
    const loaded = loadWorkflow(join(dir, "parent.yaml"), { catalog: builtinCatalog() });
    expect(loaded.workflow, loaded.issues.map((i) => i.message).join("\n")).toBeDefined();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ask = asking();
    const models = scriptedModels(async (r) => {
      if (r.prompt.startsWith("Slow")) {
        await gate;
        return JSON.stringify({ body: "notes" });
      }
      return (await ask.generate(r)).text;
    });
    const runtime = h.runtime(models);
    const run = await runtime.start(loaded.workflow!, { idea: "tea" });
    const childId = `${run.id}.research.r1a1`;
    const driving = runtime.drive(run.id);
    for (let i = 0; i < 100 && !(await events(run.id)).some((e) => e.type === "child-run-wait"); i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await h.store.getRun(run.id))?.status).toBe("running"); // the slow branch is still in flight
    expect(await (await fresh(runtime)).respond(childId, "write", "Green")).toBe("recorded");
    release();
    expect(await driving).toBe("waiting"); // not RunBusyError: it took the wake-up in and went on
    expect(await inbox()).toEqual([{ runId: childId, stepId: "sign-off", prompt: expect.any(String) }]);
    expect((await events(run.id)).filter((e) => e.type === "child-run-resume")).toHaveLength(1);
    await runtime.respond(run.id, "research", { decision: "approve" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
  });
});
