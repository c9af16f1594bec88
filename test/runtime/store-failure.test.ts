/**
 * The store failing under a step (here: writing a large answer's blob) stops the run with the store's
 * error, to be resumed; it is not the step's failure, which would spend its retries and fail the run
 * for good. Resumed, the call that was in flight runs again once, and the run succeeds.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { StoreUnavailableError } from "../../src/errors/index.js";
import type { Store } from "../../src/spec/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, loadTestWorkflow, sqliteHarness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await sqliteHarness();
});
afterEach(() => h.close());

const workflow = loadTestWorkflow(
  `quorum: 1
name: blobs
documents: { report: { format: markdown } }
defaults: { models: [openai/gpt-4o-mini], retries: 2 }
steps:
  - { id: report, kind: model, prompt: prompts/report.md, outputs: [report] }
`,
  { "prompts/report.md": "Write it." },
);

it("a store failure while a step writes its answer's blob stops the run; resume finishes it", async () => {
  // 100 KB: too large to stay inline in its event, so the answer goes to a blob first.
  const models = scriptedModels(() => `# Report\n\n${"x".repeat(100_000)}`);
  let failing = true;
  const flaky = new Proxy(h.store, {
    get(target, key, receiver) {
      if (key === "putBlob" && failing)
        return () =>
          Promise.reject(new StoreUnavailableError(target.target, "the disk is full", "Free some space."));
      const value = Reflect.get(target, key, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as Store;
  const run = await h.runtime(models, { store: flaky }).start(workflow, {});
  await expect(h.runtime(models, { store: flaky }).drive(run.id)).rejects.toBeInstanceOf(
    StoreUnavailableError,
  );
  const types = (await h.store.readEvents(run.id)).map((e) => e.event.type);
  expect(types).not.toContain("step-error"); // no retry spent, the run not failed
  expect((await h.store.getRun(run.id))?.status).not.toBe("failed");

  failing = false;
  expect(await h.runtime(models).drive(run.id)).toBe("succeeded");
  expect(models.calls).toHaveLength(2); // the call in flight at the failure, once more
});
