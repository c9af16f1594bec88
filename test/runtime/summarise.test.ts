/**
 * The `summarise` context policy through the real runtime and store: when a step's prompt does not fit
 * its model's window (the context-fit middleware refuses it before anything is sent), its `summarise`
 * input documents are condensed by a journaled model call and the step goes on; after a crash the
 * recorded summary is reused, never asked for again. Windows come from a test catalog: the step's
 * model holds 400 tokens, the summariser 100,000. Runs on SQLite and PostgreSQL.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { builtinCatalog } from "../../src/models/catalog/index.js";
import { withContextFit } from "../../src/models/context/index.js";
import { Runtime } from "../../src/runtime/index.js";
import type { ModelCatalog, ModelClient, ModelRequest, RunEvent } from "../../src/spec/index.js";
import { summariserSystem } from "../../src/steps/model/summarise.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, loadTestWorkflow, storeEngines } from "./harness.js";

const yaml = (research: string) => `quorum: 1
name: summarise-demo
documents:
  research: { format: text, context: ${research} }
  notes: { format: text }
  report: { format: text }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - id: research
    kind: model
    prompt: prompts/research.md
    outputs: [research]
  - id: notes
    kind: model
    prompt: prompts/notes.md
    outputs: [notes]
  - id: report
    kind: model
    prompt: prompts/report.md
    inputs: [research, notes]
    outputs: [report]
`;
const summarised = "{ policy: summarise, summariseWith: [openai/gpt-4o] }";
const files = {
  "prompts/research.md": "Research shopping-list apps.",
  "prompts/notes.md": "Take notes.",
  "prompts/report.md": "Write a report from:\n{{ documents.research }}\nNotes: {{ documents.notes }}",
};
const base = builtinCatalog();
const catalog = (miniWindow: number): ModelCatalog => ({
  providers: base.providers,
  models: {
    "openai/gpt-4o-mini": { ref: "openai/gpt-4o-mini", contextWindow: miniWindow },
    "openai/gpt-4o": { ref: "openai/gpt-4o", contextWindow: 100_000 },
  },
});
const longResearch = "Users want shared lists, offline sync and barcode scanning. ".repeat(60);

const isSummary = (r: ModelRequest) => r.system === summariserSystem;
const answer = (r: ModelRequest): string =>
  isSummary(r)
    ? "Users want shared lists, offline sync, barcode scanning."
    : r.prompt.startsWith("Research")
      ? longResearch
      : r.prompt.startsWith("Take notes")
        ? "Ship in May."
        : "The report.";

const engines = await storeEngines();

describe.each(engines)("summarise context policy ($name)", ({ make, skip }) => {
  let h: Harness;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
  });
  afterEach(async () => {
    await h?.close();
  });

  const eventsOf = async (runId: string): Promise<RunEvent[]> =>
    (await h.store.readEvents(runId)).map((e) => e.event);

  it("summarises a document that makes the prompt too long, journals the call, and goes on", async () => {
    const inner = scriptedModels(answer);
    const runtime = h.runtime(withContextFit(inner, catalog(400)));
    const run = await runtime.start(loadTestWorkflow(yaml(summarised), files), {});
    expect(await runtime.drive(run.id)).toBe("succeeded");

    const summary = inner.calls.find(isSummary)!;
    expect(summary.models).toEqual(["openai/gpt-4o"]);
    expect(summary.prompt).toContain("Summarise the document 'research'");
    expect(summary.prompt).toContain(longResearch.trim());
    expect(summary.maxOutputTokens).toBeGreaterThan(32);
    expect(summary.maxOutputTokens).toBeLessThan(400);
    const report = inner.calls[inner.calls.length - 1]!;
    // The summary replaces the document; the `full` document (notes) is whole.
    expect(report.prompt).toMatch(
      /^Write a report from:\nUsers want shared lists, offline sync, barcode scanning\.\n\[… summarised from about \d+ tokens to fit the model's context window\]\nNotes: Ship in May\.$/,
    );
    const reportCalls = (await eventsOf(run.id)).filter(
      (e) => e.type === "model-call-end" && e.stepId === "report",
    );
    expect(reportCalls.map((e) => (e.type === "model-call-end" ? [e.model, e.outcome] : []))).toEqual([
      ["openai/gpt-4o-mini", "error"],
      ["openai/gpt-4o", "ok"],
      ["openai/gpt-4o-mini", "ok"],
    ]);
    const decisions = (await eventsOf(run.id)).filter(
      (e) => e.type === "route-decision" && e.stepId === "report",
    );
    expect(decisions.map((e) => (e.type === "route-decision" ? e.purpose : ""))).toEqual([
      "document",
      "summarise",
    ]);
  });

  it("does not repeat the recorded summary call when the run resumes after a crash", async () => {
    const first = scriptedModels(answer);
    const hangingReport: ModelClient = {
      specificationVersion: "v1",
      generate: (request, options) =>
        request.prompt.startsWith("Write a report") && !isSummary(request)
          ? new Promise((_, reject) =>
              options?.signal?.addEventListener("abort", () => reject(new Error("killed"))),
            )
          : first.generate(request, options),
    };
    const controller = new AbortController();
    const runtime = h.runtime(withContextFit(hangingReport, catalog(400)));
    const run = await runtime.start(loadTestWorkflow(yaml(summarised), files), {});
    const driving = runtime.drive(run.id, controller.signal);
    await waitFor(
      async () =>
        (await eventsOf(run.id)).filter((e) => e.type === "model-call-start" && e.stepId === "report")
          .length === 3,
    );
    controller.abort();
    expect(await driving).toBe("interrupted");
    expect(first.calls.filter(isSummary)).toHaveLength(1);

    const second = scriptedModels(answer);
    const resumed = new Runtime({
      ...runtime.deps,
      store: await h.reopen(),
      models: withContextFit(second, catalog(400)),
    });
    expect(await resumed.drive(run.id)).toBe("succeeded");
    // Only the report call, in flight at the crash, runs again: the summary came from the journal.
    expect(second.calls.map((c) => (isSummary(c) ? "summary" : c.prompt.slice(0, 15)))).toEqual([
      "Write a report ",
    ]);
    expect(second.calls[0]!.prompt).toContain("[… summarised from about");
  });

  it("leaves the document whole when the prompt fits", async () => {
    const inner = scriptedModels(answer);
    const runtime = h.runtime(withContextFit(inner, catalog(100_000)));
    const run = await runtime.start(loadTestWorkflow(yaml(summarised), files), {});
    expect(await runtime.drive(run.id)).toBe("succeeded");
    expect(inner.calls.filter(isSummary)).toEqual([]);
    expect(inner.calls[inner.calls.length - 1]!.prompt).toContain(longResearch);
  });

  it("fails with the context-window error when the document is not summarisable (policy full)", async () => {
    const inner = scriptedModels(answer);
    const runtime = h.runtime(withContextFit(inner, catalog(400)));
    const run = await runtime.start(loadTestWorkflow(yaml("{ policy: full }"), files), {});
    expect(await runtime.drive(run.id)).toBe("failed");
    expect(inner.calls.filter(isSummary)).toEqual([]);
    const errors = (await eventsOf(run.id)).flatMap((e) =>
      e.type === "step-error" && e.stepId === "report" ? [e.error.message] : [],
    );
    expect(errors[0]).toMatch(
      /Step 'report' needs about [\d,]+ tokens .* largest context window among its models is 400/,
    );
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
