/**
 * Issue 5's evidence, over the shipped `examples/strategy-document` workflow on the real runtime
 * and store with scripted models: discovery asks a question and waits; the answer is given from a
 * fresh process; the QA judge rejects once, requirements and architecture are remediated with its
 * findings and pass; the sign-off approval is given from another fresh process; every document
 * is stored with its lineage and the gate's scores are journaled and in the QA report.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadWorkflow } from "../../src/definition/index.js";
import { builtinCatalog, createDryRunModelClient } from "../../src/models/index.js";
import { documentText, Runtime } from "../../src/runtime/index.js";
import type { DocumentVersionEvent, ModelRequest } from "../../src/spec/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, storeEngines } from "./harness.js";

const rubric = ["accuracy", "completeness", "consistency", "efficiency", "maintainability"];
const engines = await storeEngines();

describe.each(engines)("strategy document, end to end ($name)", ({ make, skip }) => {
  let h: Harness;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
  });
  afterEach(async () => {
    await h?.close();
  });

  it("clarification, a QA rejection and remediation, approval: all documents with scores and lineage", async () => {
    const loaded = loadWorkflow("examples/strategy-document/workflow.yaml", { catalog: builtinCatalog() });
    const workflow = loaded.workflow!;
    // Schema-valid documents come from the schema-driven stub; the script decides the rest.
    const stub = createDryRunModelClient();
    let verdicts = 0;
    const models = scriptedModels(async (r: ModelRequest) => {
      if (r.schemaName === "verdict") {
        const score = ++verdicts === 1 ? 0.5 : 0.9;
        return JSON.stringify({
          scores: Object.fromEntries(rubric.map((d) => [d, score])),
          findings: score < 0.75 ? ["NFR-2 has no measurable target"] : [],
        });
      }
      const schema = r.schema as { anyOf?: unknown[] } | undefined;
      if (schema?.anyOf && !r.prompt.includes("Answers:"))
        return JSON.stringify({ clarificationQuestions: ["Who pays: the team lead or each member?"] });
      const only = schema?.anyOf ? { ...r, schema: schema.anyOf[0] as Record<string, unknown> } : r;
      return (await stub.generate(only)).text;
    });
    const runtime = h.runtime(models);
    const run = await runtime.start(workflow, { idea: "A shared shopping list for flatmates" });
    expect(await runtime.drive(run.id)).toBe("waiting");
    const waiting = await h.store.listWaitingRuns();
    expect(waiting.flatMap((w) => w.openRequests.map((q) => [q.event.stepId, q.event.kind]))).toEqual([
      ["discovery", "clarification"],
    ]);

    const answerer = new Runtime({ ...runtime.deps, store: await h.reopen() });
    expect(await answerer.respond(run.id, "discovery", "The team lead pays.")).toBe("recorded");
    expect(await answerer.respond(run.id, "discovery", "Each member pays.")).toBe("already-answered");
    expect(await answerer.drive(run.id)).toBe("waiting"); // now at the sign-off
    const requirementsPrompts = models.calls
      .filter((c) => c.schemaName === "requirements")
      .map((c) => c.prompt);
    expect(requirementsPrompts).toHaveLength(2);
    expect(requirementsPrompts[1]).toContain("NFR-2 has no measurable target"); // remediated with the findings
    expect(models.calls.find((c) => c.prompt.includes("Answers:"))!.prompt).toContain("The team lead pays.");

    const approver = new Runtime({ ...runtime.deps, store: await h.reopen() });
    expect(await approver.respond(run.id, "sign-off", { decision: "approve" }, "product-lead")).toBe(
      "recorded",
    );
    expect(await approver.drive(run.id)).toBe("succeeded");

    const events = (await h.store.readEvents(run.id)).map((e) => e.event);
    expect(events.filter((e) => e.type === "remediation")).toEqual([
      expect.objectContaining({ stepId: "qa-review", targets: ["requirements", "architecture"] }),
    ]);
    const gateEnds = events.filter((e) => e.type === "step-end" && e.stepId === "qa-review");
    expect(gateEnds).toHaveLength(1);
    expect(JSON.stringify(gateEnds[0])).toContain('"score":0.9');
    const versions = events.filter((e): e is DocumentVersionEvent => e.type === "document-version");
    expect(versions.map((v) => `${v.documentId}@${v.version}`).sort()).toEqual([
      "architecture@1",
      "architecture@2",
      "discovery@1",
      "qa-report@1",
      "requirements@1",
      "requirements@2",
    ]);
    const requirements2 = versions.find((v) => v.documentId === "requirements" && v.version === 2)!;
    expect(requirements2.inputVersions).toEqual([{ documentId: "discovery", version: 1 }]);
    const report = versions.find((v) => v.documentId === "qa-report")!;
    expect(report.inputVersions).toEqual([
      { documentId: "discovery", version: 1 },
      { documentId: "requirements", version: 2 },
      { documentId: "architecture", version: 2 },
    ]);
    const reportText = (await documentText(h.store, report))!;
    expect(reportText).toContain("0.9");
    expect(events).toContainEqual(
      expect.objectContaining({
        type: "step-end",
        stepId: "sign-off",
        output: { decision: "approve", by: "product-lead" },
      }),
    );
  });
});
