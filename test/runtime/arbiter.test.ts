/**
 * `arbiter` steps end to end on the real runtime and store with scripted models, over the
 * `examples/coordinator` workflow as shipped: routes chosen at run time, an invalid choice taking
 * the default, the decision bound, static mode, and a crash in the middle of the loop.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadWorkflow } from "../../src/definition/index.js";
import { builtinCatalog } from "../../src/models/index.js";
import { documentText } from "../../src/runtime/index.js";
import type { ArbiterDecisionEvent, ModelRequest, RunEvent, Workflow } from "../../src/spec/index.js";
import { type ScriptedAnswer, scriptedModels } from "../../src/testing/index.js";
import { type Harness, storeEngines } from "./harness.js";

function coordinator(): Workflow {
  const loaded = loadWorkflow("examples/coordinator/workflow.yaml", { catalog: builtinCatalog() });
  if (!loaded.workflow) throw new Error(loaded.issues.map((i) => i.message).join("\n"));
  return loaded.workflow;
}

const decision = (route: string) =>
  JSON.stringify({
    route,
    rationale: `Because the ${route} route is what the task needs next.`,
    brief: `Brief for ${route}`,
    successCriteria: ["a finding with evidence"],
  });
const report = (who: string) =>
  JSON.stringify({
    summary: `The ${who} specialist found the cause of the slowdown.`,
    findings: [{ point: `${who} point`, evidence: "log line 42", confidence: "high" }],
    artifacts: [],
    openIssues: [],
    confidence: 0.8,
  });

const isArbiter = (r: ModelRequest) => r.prompt.includes("## Allowed routes");
const specialist = (r: ModelRequest) =>
  /You are the \*\*(\w+) specialist\*\*/i.exec(r.prompt)?.[1]?.toLowerCase();

/** The arbiter answers `routes` in order (then `done`); specialists and synthesis always answer well. */
function team(routes: string[], onSpecialist?: (who: string) => ScriptedAnswer | undefined) {
  let decisions = 0;
  return scriptedModels((request) => {
    if (isArbiter(request)) return decision(routes[decisions++] ?? "done");
    const who = specialist(request);
    if (who) return onSpecialist?.(who) ?? report(who);
    return "# Answer\n\nThe import is slow because of the new index.";
  });
}

const engines = await storeEngines();
const events = async (h: Harness, runId: string): Promise<RunEvent[]> =>
  (await h.store.readEvents(runId)).map((e) => e.event);
const decisionsOf = (all: RunEvent[]) =>
  all.filter((e): e is ArbiterDecisionEvent => e.type === "arbiter-decision");

describe.each(engines)("arbiter steps ($name)", ({ make, skip }) => {
  let h: Harness;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
  });
  afterEach(async () => {
    await h?.close();
  });

  it("routes at run time; an invalid choice takes the default; unchosen routes are skipped", async () => {
    const models = team(["analysis", "deploy", "reasoning", "done"]);
    const runtime = h.runtime(models);
    const run = await runtime.start(coordinator(), { task: "Why is the nightly import slow?" });
    expect(await runtime.drive(run.id)).toBe("succeeded");

    const all = await events(h, run.id);
    expect(
      decisionsOf(all).map((d) => [d.decision, d.route, d.valid, d.choice ?? null, d.steps.join()]),
    ).toEqual([
      [1, "analysis", true, null, "analysis-specialist"],
      [2, "analysis", false, "deploy", "analysis-specialist"],
      [3, "reasoning", true, null, "reasoning-specialist"],
      [4, "done", true, null, ""],
    ]);
    expect(decisionsOf(all)[1]!.reason).toContain("not one of the routes");
    expect(all).toContainEqual(
      expect.objectContaining({
        type: "step-skip",
        stepId: "coding-specialist",
        reason: "arbiter 'coordinator' never chose it",
      }),
    );
    const versions = await h.store.listDocumentVersions(run.id);
    const count = (id: string) => versions.filter((v) => v.documentId === id).length;
    expect([
      count("decision"),
      count("analysis-notes"),
      count("reasoning-notes"),
      count("coding-notes"),
      count("answer"),
    ]).toEqual([4, 2, 1, 0, 1]);
    // The decision document records the route taken, not the invalid answer.
    const second = versions.find((v) => v.documentId === "decision" && v.version === 2)!;
    expect(JSON.parse((await documentText(h.store, second))!).route).toBe("analysis");

    const arbiterPrompts = models.calls.filter(isArbiter).map((r) => r.prompt);
    expect(arbiterPrompts).toHaveLength(4);
    expect(arbiterPrompts[0]).toContain("Decisions so far (0 of at most 6)");
    expect(arbiterPrompts[1]).toContain("The analysis specialist found the cause"); // {{ feedback }}: last route's reports
    expect(arbiterPrompts[1]).toContain("Completed steps: analysis-specialist");
    expect(arbiterPrompts[2]).toContain("2. analysis (default; the answer was deploy)");
    // The specialist got the coordinator's brief; synthesis ran once, after the loop.
    expect(models.calls.find((r) => specialist(r) === "reasoning")!.prompt).toContain("Brief for reasoning");
    expect(all.at(-1)).toMatchObject({ type: "run-end", status: "succeeded" });
  });

  it("stops after maxDecisions and goes on to the steps after the arbiter", async () => {
    const models = team(Array(20).fill("coding"));
    const runtime = h.runtime(models);
    const run = await runtime.start(coordinator(), { task: "Fix the bug" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    const all = await events(h, run.id);
    expect(decisionsOf(all)).toHaveLength(6);
    expect(models.calls.filter(isArbiter)).toHaveLength(6);
    expect(models.calls.filter((r) => specialist(r) === "coding")).toHaveLength(6);
    expect(all).toContainEqual(
      expect.objectContaining({
        type: "step-end",
        stepId: "coordinator",
        output: { decisions: 6, stopped: "maxDecisions" },
      }),
    );
    expect((await h.store.listDocumentVersions(run.id)).some((v) => v.documentId === "answer")).toBe(true);
  });

  it("static mode runs every route's steps once, with no arbiter call", async () => {
    const models = team(["analysis"]);
    const runtime = h.runtime(models);
    const run = await runtime.start(coordinator(), { task: "t" }, { routing: "static" });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    expect(models.calls.filter(isArbiter)).toHaveLength(0);
    expect(
      models.calls
        .map((r) => specialist(r))
        .filter(Boolean)
        .sort(),
    ).toEqual(["analysis", "coding", "reasoning"]);
    expect(decisionsOf(await events(h, run.id))).toEqual([]);
  });

  it("a crash inside the loop resumes without repeating a decision or a finished call", async () => {
    const controller = new AbortController();
    let reasoningCalls = 0;
    const models = team(["analysis", "reasoning", "done"], (who) => {
      if (who !== "reasoning" || ++reasoningCalls > 1) return undefined;
      controller.abort(new Error("process killed"));
      return new Error("process killed");
    });
    const run = await h.runtime(models).start(coordinator(), { task: "t" });
    expect(await h.runtime(models).drive(run.id, controller.signal)).toBe("interrupted");

    const store = await h.reopen();
    const second = h.runtime(models, { store });
    expect(await second.drive(run.id)).toBe("succeeded");
    const all = await events(h, run.id);
    expect(decisionsOf(all).map((d) => d.route)).toEqual(["analysis", "reasoning", "done"]);
    expect(models.calls.filter(isArbiter)).toHaveLength(3);
    expect(models.calls.filter((r) => specialist(r) === "analysis")).toHaveLength(1);
    expect(reasoningCalls).toBe(2); // the call in flight at the crash, and its rerun
  });
});
