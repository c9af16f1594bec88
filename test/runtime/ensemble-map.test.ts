/**
 * Ensemble and map steps end to end on every store engine: k-of-n members, each combine
 * strategy, exactly-once members across an interrupted run, bounded map concurrency, and the
 * three `onItemError` policies.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { documentText, Runtime } from "../../src/runtime/index.js";
import type { ModelClient, ModelRequest } from "../../src/spec/index.js";
import { type ScriptedAnswer, scriptedModels } from "../../src/testing/index.js";
import { type Harness, loadTestWorkflow, storeEngines } from "./harness.js";

const [A, B, C, J] = [
  "openai/gpt-4o-mini",
  "anthropic/claude-haiku-4-5",
  "google/gemini-2.5-pro",
  "openai/gpt-4o",
];

const ensembleYaml = (combine: string, models = [A, B, C]) => `quorum: 1
name: ens
inputs:
  topic: { type: string }
documents:
  doc: { schema: schemas/doc.json }
steps:
  - id: write
    kind: ensemble
    prompt: prompts/write.md
    models: [${models.join(", ")}]
    combine: ${combine}
    outputs: [doc]
    retries: 0
`;
const ensembleFiles = {
  "prompts/write.md": "Write about {{ inputs.topic }}.",
  "schemas/doc.json": JSON.stringify({
    type: "object",
    required: ["title", "body"],
    properties: { title: { type: "string" }, body: { type: "string", minLength: 1 } },
  }),
};
const doc = (body: string, title = "T") => JSON.stringify({ title, body });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Members answer by model; everything else (judge protocols) by `judge`. */
const byModel =
  (members: Record<string, ScriptedAnswer>, judge: (r: ModelRequest) => ScriptedAnswer = () => "{}") =>
  (r: ModelRequest): ScriptedAnswer =>
    r.schemaName === "doc" && r.models.length === 1 && members[r.models[0]!] !== undefined
      ? members[r.models[0]!]!
      : judge(r);

const mapYaml = (onItemError: string) => `quorum: 1
name: mapped
inputs:
  topic: { type: string }
documents:
  backlog: { schema: schemas/backlog.json }
  stories: { schema: schemas/stories.json }
defaults:
  models: [${A}]
steps:
  - id: plan
    kind: model
    prompt: prompts/plan.md
    outputs: [backlog]
  - id: stories
    kind: map
    prompt: prompts/story.md
    inputs: [backlog]
    over: documents.backlog.items
    concurrency: 2
    onItemError: ${onItemError}
    outputs: [stories]
    retries: 0
`;
const storiesSchema = {
  type: "array",
  items: { type: "object", required: ["story"], properties: { story: { type: "string" } } },
};
const mapFiles = {
  "prompts/plan.md": "Plan {{ inputs.topic }}.",
  "prompts/story.md": "Story {{ index }} for item {{ item }}",
  "schemas/backlog.json": JSON.stringify({
    type: "object",
    required: ["items"],
    properties: { items: { type: "array", items: { type: "string" } } },
  }),
  "schemas/stories.json": JSON.stringify(storiesSchema),
};
const backlog = JSON.stringify({ items: ["a", "b", "c", "d", "e"] });

const engines = await storeEngines();

describe.each(engines)("ensemble and map steps ($name)", ({ make, skip }) => {
  let h: Harness;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
  });
  afterEach(async () => {
    await h?.close();
  });

  const run = async (models: ModelClient, yaml: string, files: Record<string, string>, dryRun = false) => {
    const runtime = h.runtime(models);
    const started = await runtime.start(loadTestWorkflow(yaml, files), { topic: "tea" }, { dryRun });
    const outcome = await runtime.drive(started.id);
    const events = (await h.store.readEvents(started.id)).map((e) => e.event);
    const versions = await h.store.listDocumentVersions(started.id);
    const content = async (id: string) => {
      const v = versions.filter((d) => d.documentId === id).at(-1);
      return v ? JSON.parse((await documentText(h.store, v))!) : undefined;
    };
    const end = (stepId: string) =>
      events.find((e) => e.type === "step-end" && e.stepId === stepId) as
        | { output: Record<string, unknown> }
        | undefined;
    const error = (stepId: string) =>
      events.find((e) => e.type === "step-error" && e.stepId === stepId) as
        | { error: { name: string; message: string } }
        | undefined;
    return { outcome, runId: started.id, runtime, events, content, end, error };
  };

  it("tolerates a failing member (k of n) and first-valid takes list order, not the fastest", async () => {
    const models = scriptedModels(async (r) => {
      if (r.models[0] === A) await sleep(60); // A is slowest, but first in the list
      return byModel({ [A]: doc("from A"), [B]: doc("from B"), [C]: new Error("C is down") })(r);
    });
    const r = await run(models, ensembleYaml("{ strategy: first-valid, minSuccesses: 2 }"), ensembleFiles);
    expect(r.outcome).toBe("succeeded");
    expect((await r.content("doc")).body).toBe("from A");
    expect(r.end("write")!.output).toMatchObject({
      strategy: "first-valid",
      succeeded: 2,
      winner: 0,
      members: [
        { model: A, ok: true },
        { model: B, ok: true },
        { model: C, ok: false, error: "C is down" },
      ],
    });
  });

  it("vote: canonical JSON (key order does not matter) by plurality; a tie goes to list order", async () => {
    const answers = { [A]: doc("a"), [B]: JSON.stringify({ body: "b", title: "T" }), [C]: doc("b") };
    const r = await run(scriptedModels(byModel(answers)), ensembleYaml("{ strategy: vote }"), ensembleFiles);
    expect((await r.content("doc")).body).toBe("b");
    expect(r.end("write")!.output).toMatchObject({
      winner: 1,
      votes: [
        { members: [0], count: 1 },
        { members: [1, 2], count: 2 },
      ],
    });
    const tie = await run(
      scriptedModels(byModel({ [A]: doc("a"), [B]: doc("b") })),
      ensembleYaml("{ strategy: vote }", [A, B]),
      ensembleFiles,
    );
    expect((await tie.content("doc")).body).toBe("a");
  });

  it("judge: the judge model picks a candidate by number, without seeing model names", async () => {
    const models = scriptedModels(
      byModel({ [A]: doc("a"), [B]: doc("b"), [C]: doc("c") }, () =>
        JSON.stringify({ best: 2, reasons: "most concrete" }),
      ),
    );
    const r = await run(models, ensembleYaml(`{ strategy: judge, judge: ${J} }`), ensembleFiles);
    expect((await r.content("doc")).body).toBe("c");
    expect(r.end("write")!.output).toMatchObject({
      strategy: "judge",
      winner: 2,
      reasons: "most concrete",
      judge: J,
    });
    const judgeCall = models.calls.find((c) => c.schemaName === "ensemble-judge")!;
    expect(judgeCall.models).toEqual([J]);
    expect(judgeCall.prompt).toContain("=== Candidate 2 ===");
    expect(judgeCall.prompt).not.toContain(B);
  });

  it("best-score: highest mean of completeness and accuracy wins, ties go to list order", async () => {
    const score = (c: number, a: number) => ({ completeness: c, accuracy: a, reason: `${c}/${a}` });
    const models = scriptedModels(
      byModel({ [A]: doc("a"), [B]: doc("b"), [C]: doc("c") }, () =>
        JSON.stringify({
          "candidate-0": score(0.5, 0.5),
          "candidate-1": score(0.9, 0.8),
          "candidate-2": score(0.8, 0.9),
        }),
      ),
    );
    const r = await run(models, ensembleYaml(`{ strategy: best-score, judge: ${J} }`), ensembleFiles);
    expect((await r.content("doc")).body).toBe("b");
    expect(r.end("write")!.output).toMatchObject({ winner: 1, reasons: "0.9/0.8" });
  });

  it("merge: the judge writes one document, re-asked until it fits the schema", async () => {
    let merges = 0;
    const models = scriptedModels(
      byModel({ [A]: doc("a"), [B]: doc("b"), [C]: new Error("down") }, () =>
        merges++ === 0 ? "{}" : doc("a+b", "Merged"),
      ),
    );
    const r = await run(models, ensembleYaml(`{ strategy: merge, judge: ${J} }`), ensembleFiles);
    expect(await r.content("doc")).toEqual({ title: "Merged", body: "a+b" });
    expect(merges).toBe(2);
    expect(models.calls.at(-1)!.prompt).toContain("Your previous answer was rejected");
    expect(r.end("write")!.output).toMatchObject({ merged: true, succeeded: 2, model: J });
  });

  it("fails (retryably) when fewer than minSuccesses members give a valid document", async () => {
    const models = scriptedModels(byModel({ [A]: doc("a"), [B]: "not json", [C]: new Error("down") }));
    const r = await run(models, ensembleYaml("{ strategy: first-valid, minSuccesses: 2 }"), ensembleFiles);
    expect(r.outcome).toBe("failed");
    expect(r.error("write")!.error.name).toBe("EnsembleFailed");
    expect(r.error("write")!.error.message).toMatch(/1 of 3 members gave a valid document, 2 needed/);
    expect(models.calls.filter((c) => c.models[0] === B)).toHaveLength(3); // asked, re-asked twice
  });

  it("a dry-run judge whose stub answer does not fit falls back to the first valid member", async () => {
    const models = scriptedModels(byModel({ [A]: doc("a"), [B]: doc("b") }, () => "a stub that is not JSON"));
    const r = await run(
      models,
      ensembleYaml(`{ strategy: judge, judge: ${J} }`, [A, B]),
      ensembleFiles,
      true,
    );
    expect(r.outcome).toBe("succeeded");
    expect((await r.content("doc")).body).toBe("a");
    expect(r.end("write")!.output).toMatchObject({
      winner: 0,
      dryRun: true,
      note: expect.stringContaining("fell back"),
    });
  });

  it("never calls a finished member again when an interrupted ensemble is resumed", async () => {
    // B's first answer is invalid; its re-ask waits for the phase, where C is in flight at the "crash".
    const scripted = scriptedModels(byModel({ [A]: doc("a"), [B]: "not json" }));
    const first: ModelClient = {
      specificationVersion: "v1",
      generate: (request, options) =>
        request.models[0] === C
          ? new Promise((_, reject) =>
              options?.signal?.addEventListener("abort", () => reject(new Error("killed"))),
            )
          : scripted.generate(request, options),
    };
    const runtime = h.runtime(first);
    const started = await runtime.start(
      loadTestWorkflow(ensembleYaml(`{ strategy: judge, judge: ${J} }`), ensembleFiles),
      { topic: "tea" },
    );
    const controller = new AbortController();
    const driving = runtime.drive(started.id, controller.signal);
    await waitFor(async () => {
      const ends = (await h.store.readEvents(started.id)).filter((e) => e.event.type === "model-call-end");
      return ends.length === 2;
    });
    controller.abort();
    expect(await driving).toBe("interrupted");

    const second = scriptedModels(
      byModel({ [A]: doc("a"), [B]: doc("b"), [C]: doc("c") }, () =>
        JSON.stringify({ best: 1, reasons: "r" }),
      ),
    );
    const resumed = new Runtime({ ...runtime.deps, store: await h.reopen(), models: second });
    expect(await resumed.drive(started.id)).toBe("succeeded");
    // Only the call in flight (C) runs again, then B's re-ask and the judge: A and B's first answer are recorded.
    expect(second.calls.map((c) => (c.schemaName === "doc" ? c.models[0] : c.schemaName))).toEqual([
      C,
      B,
      "ensemble-judge",
    ]);
    expect(second.calls[1]!.prompt).toContain("Your previous answer was rejected");
    expect(scripted.calls.map((c) => c.models[0])).toEqual([A, B]);
    expect((await resumedContent(h, started.id)).body).toBe("b");
  });

  it("map: 5 items, at most 2 in flight, started in index order, results in item order", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const models = scriptedModels(async (r) => {
      if (r.schemaName === "backlog") return backlog;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await sleep(r.prompt.includes("item b") ? 80 : 20); // uneven latency: b finishes last
      inFlight--;
      return JSON.stringify({ story: r.prompt });
    });
    const r = await run(models, mapYaml("collect"), mapFiles);
    expect(r.outcome).toBe("succeeded");
    expect(maxInFlight).toBe(2);
    const itemCalls = models.calls.filter((c) => c.schemaName === "stories-item").map((c) => c.prompt);
    expect(itemCalls).toEqual([
      "Story 0 for item a",
      "Story 1 for item b",
      "Story 2 for item c",
      "Story 3 for item d",
      "Story 4 for item e",
    ]);
    expect((await r.content("stories")).map((s: { story: string }) => s.story)).toEqual(itemCalls);
    expect(r.end("stories")!.output).toMatchObject({ items: 5, succeeded: 5, concurrency: 2 });
  });

  it("map: item calls are declared a window ahead, and a resumed map calls again only the unanswered ones", async () => {
    // Item c never answers before the "crash"; every other item does.
    const answer = (r: ModelRequest) =>
      r.schemaName === "backlog" ? backlog : JSON.stringify({ story: r.prompt });
    const first: ModelClient = {
      specificationVersion: "v1",
      generate: (request, options) =>
        request.prompt.includes("item c")
          ? new Promise((_, reject) =>
              options?.signal?.addEventListener("abort", () => reject(new Error("killed"))),
            )
          : scriptedModels(answer).generate(request, options),
    };
    const runtime = h.runtime(first);
    const started = await runtime.start(loadTestWorkflow(mapYaml("collect"), mapFiles), { topic: "tea" });
    const controller = new AbortController();
    const driving = runtime.drive(started.id, controller.signal);
    const itemEnds = async () =>
      (await h.store.readEvents(started.id)).filter(
        (e) => e.event.type === "model-call-end" && e.event.stepId === "stories",
      ).length;
    await waitFor(async () => (await itemEnds()) === 4);
    controller.abort();
    expect(await driving).toBe("interrupted");

    const journal = (await h.store.readEvents(started.id)).map((e) => e.event);
    const batches = journal.filter((e) => e.type === "model-call-batch-start");
    const itemStarts = journal.filter((e) => e.type === "model-call-start" && e.stepId === "stories");
    // Concurrency 2, window 4: half a window (2 calls) before the first call leaves; the next window is
    // scheduled for later in the turn, unless (instant answers, a store that commits fast) call 3 gets
    // there first and declares its half window at once. Either way no call is declared twice.
    const sizes = batches.map((b) => b.callKeys.length);
    expect(sizes[0]).toBe(2);
    expect(sizes.every((n) => n <= 4)).toBe(true);
    const declared = batches.flatMap((b) => b.callKeys);
    expect(new Set(declared).size).toBe(5);
    // The declaration is each item call's start: none gets one of its own, and every answer follows it.
    expect(itemStarts).toEqual([]);
    for (const [i, event] of journal.entries()) {
      if (event.type !== "model-call-end" || event.stepId !== "stories") continue;
      const batchAt = journal.findIndex(
        (e) => e.type === "model-call-batch-start" && e.callKeys.includes(event.callKey),
      );
      expect(batchAt).toBeGreaterThanOrEqual(0);
      expect(batchAt).toBeLessThan(i);
    }

    const second = scriptedModels(answer);
    const resumed = new Runtime({ ...runtime.deps, store: await h.reopen(), models: second });
    expect(await resumed.drive(started.id)).toBe("succeeded");
    expect(second.calls.map((c) => c.prompt)).toEqual(["Story 2 for item c"]);
    const stories = JSON.parse(
      (await documentText(h.store, (await h.store.listDocumentVersions(started.id, "stories")).at(-1)!))!,
    ) as Array<{ story: string }>;
    expect(stories.map((s) => s.story)).toEqual(
      ["a", "b", "c", "d", "e"].map((x, i) => `Story ${i} for item ${x}`),
    );
  });

  it("map onItemError: collect records the error (also in the document's errors), skip drops it", async () => {
    const collectFiles = {
      ...mapFiles,
      "schemas/stories.json": JSON.stringify({
        type: "object",
        required: ["items"],
        properties: { items: storiesSchema, errors: { type: "array" } },
      }),
    };
    const answer = (r: ModelRequest) =>
      r.schemaName === "backlog"
        ? backlog
        : r.prompt.includes("item c")
          ? "not json"
          : JSON.stringify({ story: r.prompt });
    const collected = await run(scriptedModels(answer), mapYaml("collect"), collectFiles);
    expect(collected.outcome).toBe("succeeded");
    const document = await collected.content("stories");
    expect(document.items).toHaveLength(4);
    expect(document.errors).toEqual([{ index: 2, error: expect.stringContaining("InvalidDocument") }]);
    expect(collected.end("stories")!.output).toMatchObject({ succeeded: 4, errors: [{ index: 2 }] });

    const thrown = (r: ModelRequest) => (r.prompt.includes("item c") ? new Error("boom") : answer(r));
    const skipped = await run(scriptedModels(thrown), mapYaml("skip"), mapFiles);
    expect(await skipped.content("stories")).toHaveLength(4);
    expect(skipped.end("stories")!.output).toMatchObject({ succeeded: 4, skipped: [2] });
    expect(skipped.end("stories")!.output.errors).toBeUndefined();
  });

  it("map over a list input: no step has to produce the items, and they are passed as JSON text", async () => {
    const yaml = `quorum: 1
name: tickets
inputs:
  tickets: { type: list }
documents:
  notes: { format: markdown }
defaults:
  models: [${A}]
steps:
  - id: each
    kind: map
    prompt: prompts/note.md
    over: inputs.tickets
    concurrency: 2
    outputs: [notes]
`;
    const models = scriptedModels((r) => `note on ${r.prompt}`);
    const runtime = h.runtime(models);
    const workflow = loadTestWorkflow(yaml, { "prompts/note.md": "{{ index }}: {{ item.title }}" });
    const started = await runtime.start(workflow, {
      tickets: JSON.stringify([{ title: "login fails" }, { title: "slow export" }, { title: "typo" }]),
    });
    expect(await runtime.drive(started.id)).toBe("succeeded");
    expect(models.calls.map((c) => c.prompt)).toEqual(["0: login fails", "1: slow export", "2: typo"]);
    const notes = (await h.store.listDocumentVersions(started.id, "notes")).at(-1)!;
    expect(await documentText(h.store, notes)).toContain("note on 2: typo");
    await expect(runtime.start(workflow, { tickets: "login fails, typo" })).rejects.toThrow(
      /input 'tickets' must be a JSON array/,
    );
  });

  it("map onItemError: fail-fast fails the step and starts no further item", async () => {
    const models = scriptedModels(async (r) => {
      if (r.schemaName === "backlog") return backlog;
      if (r.prompt.includes("item c")) return new Error("boom");
      await sleep(150); // far longer than item c takes to fail, so item e is never reached
      return JSON.stringify({ story: r.prompt });
    });
    const r = await run(models, mapYaml("fail-fast"), mapFiles);
    expect(r.outcome).toBe("failed");
    expect(r.error("stories")!.error).toMatchObject({
      name: "MapItemFailed",
      message: expect.stringContaining("item 2 failed: Error: boom"),
    });
    expect(models.calls.some((c) => c.prompt.includes("item e"))).toBe(false);
    // Nothing is declared once the fan-out stops: no declaration after the step's error, none later.
    const errorAt = r.events.findIndex((e) => e.type === "step-error" && e.stepId === "stories");
    expect(r.events.slice(errorAt).some((e) => e.type === "model-call-batch-start")).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await h.store.readEvents(r.runId)).toHaveLength(r.events.length);
  });

  it("map over something that is not an array fails with a clear error", async () => {
    const yaml = mapYaml("collect").replace(
      "backlog: { schema: schemas/backlog.json }",
      "backlog: { format: json }",
    );
    const models = scriptedModels((r) =>
      r.schema ? JSON.stringify({ story: "s" }) : JSON.stringify({ items: "a, b" }),
    );
    const r = await run(models, yaml, mapFiles);
    expect(r.outcome).toBe("failed");
    expect(r.error("stories")!.error).toEqual({
      name: "MapOverNonArray",
      message: "map 'stories': over 'documents.backlog.items' must be an array, but it is string",
    });
  });
});

async function resumedContent(h: Harness, runId: string) {
  const version = (await h.store.listDocumentVersions(runId, "doc")).at(-1)!;
  return JSON.parse((await documentText(h.store, version))!);
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not met in time");
    await sleep(10);
  }
}
