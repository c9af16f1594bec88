/**
 * Waits inside a `map`: two of three items ask a clarification question. The run waits with one
 * request per asking item; each is answered from a fresh process (in any order, one at a time,
 * a double answer harmless), and the map finishes with every item's result in order, without
 * repeating a recorded call.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { documentText, Runtime } from "../../src/runtime/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, loadTestWorkflow, storeEngines } from "./harness.js";

const yaml = `quorum: 1
name: mapped
documents:
  backlog: { schema: schemas/backlog.json }
  stories: { schema: schemas/stories.json }
defaults:
  models: [openai/gpt-4o-mini]
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
    concurrency: 3
    ask: true
    outputs: [stories]
`;
const files = {
  "prompts/plan.md": "Plan.",
  "prompts/story.md": "Story for {{ item }}",
  "schemas/backlog.json": JSON.stringify({
    type: "object",
    required: ["items"],
    properties: { items: { type: "array", items: { type: "string" } } },
  }),
  "schemas/stories.json": JSON.stringify({
    type: "array",
    items: { type: "object", required: ["story"], properties: { story: { type: "string" } } },
  }),
};

const engines = await storeEngines();

describe.each(engines)("waits inside a map ($name)", ({ make, skip }) => {
  let h: Harness;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
  });
  afterEach(async () => {
    await h?.close();
  });

  it("each asking item waits on its own request; answers from fresh processes finish the map", async () => {
    const models = scriptedModels((r) => {
      if (r.schemaName === "backlog") return JSON.stringify({ items: ["login", "search", "export"] });
      const answered = /Answers:\n(.*)$/s.exec(r.prompt)?.[1];
      if (answered) return JSON.stringify({ story: `${r.prompt.split("\n")[0]} (${answered})` });
      const item = /Story for (\w+)/.exec(r.prompt)?.[1];
      if (item === "login" || item === "export")
        return JSON.stringify({ clarificationQuestions: [`Which users for ${item}?`] });
      return JSON.stringify({ story: r.prompt.split("\n")[0] });
    });
    const runtime = h.runtime(models);
    const run = await runtime.start(loadTestWorkflow(yaml, files), {});
    expect(await runtime.drive(run.id)).toBe("waiting");
    const open = async () =>
      (await h.store.listWaitingRuns()).flatMap((w) =>
        w.openRequests.map((r) => [r.event.requestId, r.event.prompt]),
      );
    expect(await open()).toEqual([
      ["stories.r1.a1.item0", "Item 0:\n1. Which users for login?"],
      ["stories.r1.a1.item2", "Item 2:\n1. Which users for export?"],
    ]);

    const second = new Runtime({ ...runtime.deps, store: await h.reopen() });
    await expect(second.respond(run.id, "stories", "admins")).rejects.toThrow(/2 open requests .* --request/);
    expect(await second.respond(run.id, "stories", "admins", undefined, "stories.r1.a1.item2")).toBe(
      "recorded",
    );
    expect(await second.respond(run.id, "stories", "nobody", undefined, "stories.r1.a1.item2")).toBe(
      "already-answered",
    );
    expect(await second.drive(run.id)).toBe("waiting"); // item 0 still asks
    expect((await open()).map(([id]) => id)).toEqual(["stories.r1.a1.item0"]);

    const third = new Runtime({ ...runtime.deps, store: await h.reopen() });
    expect(await third.respond(run.id, "stories", "everyone")).toBe("recorded"); // the only open one
    expect(await third.drive(run.id)).toBe("succeeded");

    const itemCalls = models.calls.filter((c) => c.schemaName === "stories-item");
    expect(itemCalls).toHaveLength(5); // 3 first answers (never repeated) + 2 follow-ups
    const versions = await h.store.listDocumentVersions(run.id);
    const stories = versions.find((v) => v.documentId === "stories")!;
    const content = JSON.parse((await documentText(h.store, stories))!);
    expect(content.map((s: { story: string }) => s.story)).toEqual([
      "Story for login (everyone)",
      "Story for search",
      "Story for export (admins)",
    ]);
  });
});
