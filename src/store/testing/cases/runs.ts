/** Contract cases: creating, reading, listing runs and guarded status changes. */
import { describe, expect } from "vitest";
import { StoreConflictError, StoreNotFoundError } from "../../../errors/index.js";
import type { RunRecord } from "../../../spec/index.js";
import type { ContractContext, ContractTest } from "../contract-types.js";
import { bytesOf, newRun, rejectionOf, sha256 } from "../fixtures.js";

export function describeRunCases(test: ContractTest, ctx: ContractContext): void {
  describe("runs", () => {
    test("createRun stores a pending run with its pinned definition", async () => {
      const store = ctx.store();
      const definition = bytesOf("name: strategy\nsteps: []\n");
      const run = await store.createRun(newRun("run-1", { definition, priority: 3 }));
      expect(run).toEqual({
        id: "run-1",
        workflowName: "strategy",
        workflowHash: "wf-hash-1",
        definitionHash: sha256(definition),
        inputs: { topic: "pricing", depth: 2 },
        priority: 3,
        status: "pending",
        nextSeq: 0,
        createdAtMs: ctx.clock.startMs,
        updatedAtMs: ctx.clock.startMs,
      } satisfies RunRecord);
      expect(await store.getRun("run-1")).toEqual(run);
      expect(Buffer.from((await store.getBlob(run.definitionHash)) ?? [])).toEqual(Buffer.from(definition));
      expect(store.specificationVersion).toBe("v1");
      expect(store.schemaVersion).toBeGreaterThanOrEqual(1);
    });

    test("createRun refuses a taken id", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      const error = await rejectionOf(store.createRun(newRun("run-1")));
      expect(error).toBeInstanceOf(StoreConflictError);
      expect((error as StoreConflictError).reason).toBe("exists");
      expect(error.message).toContain("run-1");
    });

    test("getRun of an unknown id is undefined", async () => {
      expect(await ctx.store().getRun("nope")).toBeUndefined();
    });

    test("listRuns pages newest first with a stable cursor and filters", async () => {
      const store = ctx.store();
      for (let i = 0; i < 7; i++) {
        await store.createRun(newRun(`run-${i}`, { workflowName: i % 2 === 0 ? "even" : "odd" }));
        ctx.clock.advance(i === 3 ? 0 : 10); // run-3 and run-4 share a timestamp: the id breaks the tie
      }
      await store.updateRunStatus("run-2", "pending", "running");
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listRuns({ limit: 3, ...(cursor === undefined ? {} : { cursor }) });
        expect(page.runs.length).toBeLessThanOrEqual(3);
        seen.push(...page.runs.map((run) => run.id));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      expect(seen).toEqual(["run-6", "run-5", "run-4", "run-3", "run-2", "run-1", "run-0"]);
      expect((await store.listRuns({ workflowName: "odd" })).runs.map((r) => r.id)).toEqual([
        "run-5",
        "run-3",
        "run-1",
      ]);
      expect((await store.listRuns({ status: "running" })).runs.map((r) => r.id)).toEqual(["run-2"]);
      expect(
        (await store.listRuns({ status: "pending", workflowName: "even", limit: 2 })).runs.map((r) => r.id),
      ).toEqual(["run-6", "run-4"]);
      await expect(store.listRuns({ cursor: "garbage" })).rejects.toThrow(/cursor/);
    });

    test("updateRunStatus moves a run only from an expected status", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      ctx.clock.advance(5);
      const running = await store.updateRunStatus("run-1", ["pending", "waiting"], "running");
      expect(running.status).toBe("running");
      expect(running.updatedAtMs).toBe(ctx.clock.startMs + 5);
      const stale = await rejectionOf(store.updateRunStatus("run-1", "pending", "running"));
      expect(stale).toBeInstanceOf(StoreConflictError);
      expect(stale).toMatchObject({ reason: "status", actual: "running" });
      const missing = await rejectionOf(store.updateRunStatus("ghost", "pending", "running"));
      expect(missing).toBeInstanceOf(StoreNotFoundError);
      await expect(store.updateRunStatus("run-1", "running", "bogus" as never)).rejects.toThrow(
        /unknown run status/,
      );
    });

    test("updateRunStatus sets and clears the wake time; terminal statuses drop the lease", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      await store.claimRuns("worker-a", 1, 60_000);
      const waiting = await store.updateRunStatus("run-1", "pending", "waiting", {
        wakeAtMs: ctx.clock.startMs + 500,
      });
      expect(waiting.wakeAtMs).toBe(ctx.clock.startMs + 500);
      expect(waiting.leaseOwner).toBe("worker-a");
      const resumed = await store.updateRunStatus("run-1", "waiting", "running", { wakeAtMs: null });
      expect(resumed.wakeAtMs).toBeUndefined();
      const done = await store.updateRunStatus("run-1", "running", "succeeded");
      expect(done.leaseOwner).toBeUndefined();
      expect(done.leaseExpiresAtMs).toBeUndefined();
    });
  });
}
