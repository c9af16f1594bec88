/**
 * The store failing under a step (here: writing a large answer's blob) stops the run with the store's
 * error, to be resumed. It is not the step's failure (which would spend its retries and could fail the
 * run for good), nor a `map` item's or an ensemble member's (which would drop an answer that was paid
 * for, and make the result depend on a store hiccup). Resumed, the call in flight runs again, once.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/errors/index.js";
import type { JsonValue, Store } from "../../src/spec/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, jsonSchema, loadTestWorkflow, sqliteHarness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await sqliteHarness();
});
afterEach(() => h.close());

/** `h.store` whose next `failures` blob writes fail as a full disk would. */
function flakyBlobs(failures: number): Store {
  return new Proxy(h.store, {
    get(target, key, receiver) {
      if (key === "putBlob" && failures > 0)
        return () => {
          failures--;
          return Promise.reject(
            new StoreUnavailableError(target.target, "the disk is full", "Free some space."),
          );
        };
      const value = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Store;
}

/** Too large to stay inline in its event: the answer goes to a blob first. */
const large = "x".repeat(100_000);

async function stopsThenResumes(
  yaml: string,
  files: Record<string, string>,
  answer: (prompt: string, model: string) => string,
  inputs: Record<string, JsonValue> = {},
) {
  const models = scriptedModels((request) => answer(request.prompt, request.models[0] ?? ""));
  const flaky = flakyBlobs(1);
  const run = await h.runtime(models, { store: flaky }).start(loadTestWorkflow(yaml, files), inputs);
  await expect(h.runtime(models, { store: flaky }).drive(run.id)).rejects.toBeInstanceOf(
    StoreUnavailableError,
  );
  const events = (await h.store.readEvents(run.id)).map((e) => e.event);
  expect(events.map((e) => e.type)).not.toContain("step-error"); // no retry spent, nothing skipped
  expect((await h.store.getRun(run.id))?.status).not.toBe("failed");
  const callsBefore = models.calls.length;
  expect(await h.runtime(models).drive(run.id)).toBe("succeeded");
  return { runId: run.id, callsBefore, calls: models.calls.length };
}

it("a model step: the run stops; resume finishes it, the call in flight made once more", async () => {
  const { callsBefore, calls } = await stopsThenResumes(
    `quorum: 1
name: blobs
documents: { report: { format: markdown } }
defaults: { models: [openai/gpt-4o-mini], retries: 2 }
steps:
  - { id: report, kind: model, prompt: prompts/report.md, outputs: [report] }
`,
    { "prompts/report.md": "Write it." },
    () => `# Report\n\n${large}`,
  );
  expect([callsBefore, calls]).toEqual([1, 2]);
});

for (const onItemError of ["skip", "collect"])
  it(`a map step with onItemError: ${onItemError}: the item is not skipped, the run stops and resumes`, async () => {
    const { runId } = await stopsThenResumes(
      `quorum: 1
name: mapped
inputs: { items: { type: list } }
documents: { stories: { schema: schemas/stories.json } }
defaults: { models: [openai/gpt-4o-mini] }
steps:
  - { id: stories, kind: map, prompt: prompts/story.md, over: inputs.items, concurrency: 1, onItemError: ${onItemError}, outputs: [stories], retries: 0 }
`,
      {
        "prompts/story.md": "Story for item {{ item }}",
        "schemas/stories.json": JSON.stringify({ type: "array", items: JSON.parse(jsonSchema(["story"])) }),
      },
      (prompt) => JSON.stringify({ story: prompt.includes("item b") ? large : "short" }),
      { items: ["a", "b", "c"] },
    );
    const stories = (await h.store.listDocumentVersions(runId)).at(-1)!;
    expect(stories.sizeBytes).toBeGreaterThan(large.length); // item b's answer is in it
  });

it("an ensemble: the member is not dropped for another's answer, the run stops and resumes", async () => {
  const { runId } = await stopsThenResumes(
    `quorum: 1
name: ens
documents: { doc: { schema: schemas/doc.json } }
steps:
  - id: write
    kind: ensemble
    prompt: prompts/write.md
    models: [openai/gpt-4o-mini, anthropic/claude-haiku-4-5]
    combine: { strategy: first-valid }
    outputs: [doc]
    retries: 0
`,
    { "prompts/write.md": "Write.", "schemas/doc.json": jsonSchema(["body"]) },
    (_, model) => JSON.stringify({ body: model === "openai/gpt-4o-mini" ? large : "short" }),
  );
  expect((await h.store.listDocumentVersions(runId)).map((d) => d.model)).toEqual(["openai/gpt-4o-mini"]);
});
