/**
 * Waits in parallel branches: two branches ask a person at the same time (a clarification and an
 * approval) while a third keeps working. The run waits once nothing else can run, the inbox lists
 * both, and each answer is given and resumed from a fresh process; a double answer is harmless.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Runtime } from "../../src/runtime/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, jsonSchema, loadTestWorkflow, storeEngines } from "./harness.js";

const yaml = `quorum: 1
name: branches
documents:
  plan: { schema: schemas/doc.json }
  left: { schema: schemas/doc.json }
  right: { schema: schemas/doc.json }
  merged: { schema: schemas/doc.json }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - id: plan
    kind: model
    prompt: prompts/plan.md
    outputs: [plan]
  - id: left
    kind: model
    prompt: prompts/left.md
    inputs: [plan]
    outputs: [left]
    ask: true
  - id: right
    kind: model
    prompt: prompts/right.md
    inputs: [plan]
    outputs: [right]
  - id: right-ok
    kind: approval
    needs: [right]
  - id: merge
    kind: model
    prompt: prompts/merge.md
    inputs: [left, right]
    needs: [right-ok]
    outputs: [merged]
`;
const files = {
  "prompts/plan.md": "Plan.",
  "prompts/left.md": "Left branch. {{ answers }}",
  "prompts/right.md": "Right branch.",
  "prompts/merge.md": "Merge {{ documents.left.body }} and {{ documents.right.body }}.",
  "schemas/doc.json": jsonSchema(["body"]),
};

const engines = await storeEngines();

describe.each(engines)("waits in parallel branches ($name)", ({ make, skip }) => {
  let h: Harness;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
  });
  afterEach(async () => {
    await h?.close();
  });

  it("both branches wait, the inbox lists each, answers resume from fresh processes", async () => {
    const models = scriptedModels((r) => {
      if (r.prompt.startsWith("Left branch.") && !r.prompt.includes("Answers:"))
        return JSON.stringify({ clarificationQuestions: ["Which region?"] });
      if (r.prompt.startsWith("Left")) return JSON.stringify({ body: "EU" });
      if (r.prompt.startsWith("Merge")) return JSON.stringify({ body: r.prompt });
      return JSON.stringify({ body: r.prompt.split(" ")[0]! });
    });
    const first = h.runtime(models);
    const run = await first.start(loadTestWorkflow(yaml, files), {});
    expect(await first.drive(run.id)).toBe("waiting");
    const inbox = (await h.store.listWaitingRuns()).flatMap((w) =>
      w.openRequests.map((r) => [r.event.stepId, r.event.kind]),
    );
    expect(inbox.sort()).toEqual([
      ["left", "clarification"],
      ["right-ok", "approval"],
    ]);

    // Another process approves the right branch: the run goes on as far as it can, then waits again.
    const second = new Runtime({ ...first.deps, store: await h.reopen() });
    expect(await second.respond(run.id, "right-ok", { decision: "approve" }, "ann")).toBe("recorded");
    expect(await second.respond(run.id, "right-ok", { decision: "reject" }, "bob")).toBe("already-answered");
    expect(await second.drive(run.id)).toBe("waiting");
    expect(
      (await h.store.listWaitingRuns()).flatMap((w) => w.openRequests.map((r) => r.event.stepId)),
    ).toEqual(["left"]);

    // A third process answers the clarification and finishes the run.
    const third = new Runtime({ ...first.deps, store: await h.reopen() });
    expect(await third.respond(run.id, "left", "EU only")).toBe("recorded");
    expect(await third.respond(run.id, "left", "US")).toBe("already-answered");
    expect(await third.drive(run.id)).toBe("succeeded");
    expect(models.calls.filter((r) => r.prompt.startsWith("Left"))).toHaveLength(2); // the question was not asked again
    const merged = models.calls.find((r) => r.prompt.startsWith("Merge"))!;
    expect(merged.prompt).toBe("Merge EU and Right.");
    const events = (await h.store.readEvents(run.id)).map((e) => e.event);
    expect(events.filter((e) => e.type === "human-input-response")).toHaveLength(2);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "step-end",
        stepId: "right-ok",
        output: { decision: "approve", by: "ann" },
      }),
    );
  });
});
