/** The public API, used the way an embedding program would: load, plan, run a dry run in memory. */
import { describe, expect, it } from "vitest";
import * as quorum from "../src/index.js";

describe("public API", () => {
  it("loads, plans and runs a workflow end to end", async () => {
    const catalog = quorum.builtinCatalog();
    const loaded = quorum.loadWorkflow("examples/smart-routing/workflow.yaml", { catalog });
    expect(loaded.issues.filter((i) => i.severity === "error")).toEqual([]);
    const plan = quorum.plan(loaded.workflow!, { prices: {} });
    expect(plan.layers.length).toBeGreaterThan(1);
    const store = await quorum.openStore("sqlite::memory:");
    const stub = quorum.createDryRunModelClient();
    const runtime = new quorum.Runtime({
      store,
      models: stub,
      dryRunModels: stub,
      executors: quorum.builtinExecutors,
      now: Date.now,
    });
    const run = await runtime.start(loaded.workflow!, { request: "hello" }, { dryRun: true });
    expect(await runtime.drive(run.id)).toBe("succeeded");
    await store.close();
  });
});
