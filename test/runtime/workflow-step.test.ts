/**
 * `workflow` steps end to end on the real runtime and store: a child run pinned at the parent's
 * start, inputs from `with:` templates, documents handed back, failure, a crash in the middle of
 * the child (resumed by a fresh process, still one child), and cancel reaching the child.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadWorkflow } from "../../src/definition/index.js";
import { builtinCatalog } from "../../src/models/index.js";
import { loadPinned, Runtime } from "../../src/runtime/index.js";
import type { Workflow } from "../../src/spec/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, jsonSchema, storeEngines } from "./harness.js";

const parentYaml = `quorum: 1
name: parent
inputs:
  idea: { type: string }
documents:
  summary: { schema: schemas/doc.json }
  pitch: { schema: schemas/doc.json }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - id: research
    kind: workflow
    workflow: child.yaml
    with:
      topic: "{{ inputs.idea }} for teams"
    outputs: [summary]
  - id: pitch
    kind: model
    prompt: prompts/pitch.md
    inputs: [summary]
    outputs: [pitch]
`;
const childYaml = (prompt = "prompts/notes.md") => `quorum: 1
name: child
inputs:
  topic: { type: string, required: true }
documents:
  notes: { schema: schemas/doc.json }
  summary: { schema: schemas/doc.json }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - id: notes
    kind: model
    prompt: ${prompt}
    outputs: [notes]
  - id: summarize
    kind: model
    prompt: prompts/summarize.md
    inputs: [notes]
    outputs: [summary]
`;

function project(dir: string): Workflow {
  mkdirSync(join(dir, "prompts"));
  mkdirSync(join(dir, "schemas"));
  writeFileSync(join(dir, "parent.yaml"), parentYaml);
  writeFileSync(join(dir, "child.yaml"), childYaml());
  for (const [file, text] of Object.entries({
    "prompts/notes.md": "Notes on {{ inputs.topic }}.",
    "prompts/changed.md": "CHANGED {{ inputs.topic }}.",
    "prompts/summarize.md": "Summarize {{ documents.notes.body }}.",
    "prompts/pitch.md": "Pitch {{ documents.summary.body }}.",
    "schemas/doc.json": jsonSchema(["body"]),
  }))
    writeFileSync(join(dir, file), text);
  const loaded = loadWorkflow(join(dir, "parent.yaml"), { catalog: builtinCatalog() });
  if (!loaded.workflow) throw new Error(loaded.issues.map((i) => i.message).join("\n"));
  return loaded.workflow;
}

const echo = (body: (prompt: string) => string | Error, latencyMs?: number) =>
  scriptedModels(
    (r) => {
      const b = body(r.prompt);
      return b instanceof Error ? b : JSON.stringify({ body: b });
    },
    latencyMs ? { latencyMs } : {},
  );

const engines = await storeEngines();

describe.each(engines)("workflow steps ($name)", ({ make, skip }) => {
  let h: Harness;
  let dir: string;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
    dir = mkdtempSync(join(tmpdir(), "quorum-subflow-"));
  });
  afterEach(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the pinned sub-workflow as a child run and hands its documents to the parent", async () => {
    const models = echo((p) => p);
    const runtime = h.runtime(models);
    const run = await runtime.start(project(dir), { idea: "a tea app" });
    writeFileSync(join(dir, "child.yaml"), childYaml("prompts/changed.md")); // too late: pinned
    expect(await runtime.drive(run.id)).toBe("succeeded");

    const childId = `${run.id}.research.r1a1`;
    const child = (await h.store.getRun(childId))!;
    expect([child.status, child.workflowName, child.inputs]).toEqual([
      "succeeded",
      "child",
      { topic: "a tea app for teams" },
    ]);
    expect((await loadPinned(runtime.deps, child.definitionHash)).parent).toEqual({
      runId: run.id,
      stepId: "research",
      attempt: 1,
      round: 1,
    });
    expect(models.calls.map((c) => c.prompt)).toEqual([
      "Notes on a tea app for teams.",
      "Summarize Notes on a tea app for teams..",
      "Pitch Summarize Notes on a tea app for teams...",
    ]);
    const events = (await h.store.readEvents(run.id)).map((e) => e.event);
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "step-end",
        stepId: "research",
        output: { childRunId: childId, status: "succeeded" },
      }),
    );
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "document-version",
        documentId: "summary",
        stepId: "research",
        version: 1,
      }),
    );
    expect((await h.store.listRuns()).runs).toHaveLength(2);
  });

  it("a failing child fails the step and the run, with the child's reason", async () => {
    const runtime = h.runtime(echo((p) => (p.startsWith("Summarize") ? new Error("provider down") : p)));
    const run = await runtime.start(project(dir), { idea: "x" });
    expect(await runtime.drive(run.id)).toBe("failed");
    const events = (await h.store.readEvents(run.id)).map((e) => e.event);
    const errors = events.filter((e) => e.type === "step-error" && e.stepId === "research");
    expect(errors.at(-1)).toMatchObject({ error: { name: "ChildRunFailed" }, willRetry: false });
    expect(JSON.stringify(errors.at(-1))).toContain("provider down");
    // Each retry of the step is a fresh child run (default retries apply).
    expect((await h.store.listRuns()).runs.map((r) => r.status).sort()).toEqual([
      "failed",
      ...errors.map(() => "failed"),
    ]);
  });

  it("a crash inside the child resumes the same child from a fresh process, repeating no finished call", async () => {
    const controller = new AbortController();
    let summaries = 0;
    const models = echo((p) => {
      if (p.startsWith("Summarize") && ++summaries === 1) {
        controller.abort(new Error("process killed"));
        return new Error("process killed");
      }
      return p;
    });
    const run = await h.runtime(models).start(project(dir), { idea: "x" });
    expect(await h.runtime(models).drive(run.id, controller.signal)).toBe("interrupted");
    const later = new Runtime({ ...h.runtime(models).deps, store: await h.reopen() });
    expect(await later.drive(run.id)).toBe("succeeded");
    expect((await h.store.listRuns()).runs).toHaveLength(2); // never two children for one attempt
    expect(models.calls.filter((c) => c.prompt.startsWith("Notes"))).toHaveLength(1);
    expect(summaries).toBe(2);
  });

  it("cancelling the parent cancels the child and its in-flight call", async () => {
    const runtime = h.runtime(echo((p) => p, 30_000));
    const run = await runtime.start(project(dir), { idea: "x" });
    const driving = runtime.drive(run.id);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    expect(await new Runtime({ ...runtime.deps, store: await h.reopen() }).cancel(run.id)).toBe("cancelled");
    expect(await driving).toBe("cancelled");
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await h.store.getRun(`${run.id}.research.r1a1`))?.status).toBe("cancelled");
  });

  it("refuses to start when the sub-workflow is invalid, before anything runs", async () => {
    const workflow = project(dir);
    writeFileSync(join(dir, "child.yaml"), "quorum: 1\nname: child\nsteps: []\n");
    await expect(h.runtime(echo((p) => p)).start(workflow, { idea: "x" })).rejects.toThrow(
      /calls .*child\.yaml, which is not a valid workflow/,
    );
    expect((await h.store.listRuns()).runs).toHaveLength(0);
  });
});
