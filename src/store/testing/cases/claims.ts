/** Contract cases: leases, work claiming by many workers, heartbeats and release. */
import { describe, expect } from "vitest";
import type { ContractContext, ContractTest } from "../contract-types.js";
import { newRun } from "../fixtures.js";

export function describeClaimCases(test: ContractTest, ctx: ContractContext): void {
  describe("claims", () => {
    test("claims runnable runs by priority then age, and only free ones", async () => {
      const store = ctx.store();
      await store.createRun(newRun("low", { priority: 0 }));
      ctx.clock.advance(1);
      await store.createRun(newRun("high", { priority: 5 }));
      ctx.clock.advance(1);
      await store.createRun(newRun("low-later", { priority: 0 }));
      await store.createRun(newRun("done"));
      await store.updateRunStatus("done", "pending", "cancelled");
      await store.createRun(newRun("waits"));
      await store.updateRunStatus("waits", "pending", "waiting");
      const claimed = await store.claimRuns("worker-a", 2, 30_000);
      expect(claimed.map((r) => r.id)).toEqual(["high", "low"]);
      expect(claimed[0]).toMatchObject({
        leaseOwner: "worker-a",
        leaseExpiresAtMs: ctx.clock.now() + 30_000,
      });
      expect((await store.claimRuns("worker-b", 10, 30_000)).map((r) => r.id)).toEqual(["low-later"]);
      expect(await store.claimRuns("worker-c", 10, 30_000)).toEqual([]);
      expect(await store.claimRuns("worker-c", 0, 30_000)).toEqual([]);
    });

    test("leaseRun takes one given run unless another holds a live lease or it is finished", async () => {
      const [a, b] = [ctx.store(), await ctx.second()];
      await a.createRun({ ...newRun("driven"), lease: { workerId: "cli-1", leaseMs: 10_000 } });
      await a.createRun(newRun("waits"));
      await a.updateRunStatus("waits", "pending", "waiting");
      await a.createRun(newRun("over"));
      await a.updateRunStatus("over", "pending", "succeeded");
      expect(await b.leaseRun("cli-2", "driven", 10_000)).toBeUndefined();
      expect(await a.leaseRun("cli-1", "driven", 20_000)).toMatchObject({
        leaseOwner: "cli-1",
        leaseExpiresAtMs: ctx.clock.now() + 20_000,
      });
      // A waiting run is leased too (a resume that finds nothing to do returns it), once.
      expect(await b.leaseRun("cli-2", "waits", 10_000)).toMatchObject({ id: "waits", leaseOwner: "cli-2" });
      expect(await a.leaseRun("cli-3", "waits", 10_000)).toBeUndefined();
      expect(await b.leaseRun("cli-2", "over", 10_000)).toBeUndefined();
      expect(await b.leaseRun("cli-2", "missing", 10_000)).toBeUndefined();
      ctx.clock.advance(20_000);
      expect(await b.leaseRun("cli-2", "driven", 10_000)).toMatchObject({ leaseOwner: "cli-2" });
      expect(await a.claimRuns("worker-a", 10, 10_000)).toEqual([]);
      // A holder known to be dead (a killed process on the caller's machine) can be taken from, by name only.
      expect(await a.leaseRun("cli-4", "driven", 10_000, "someone-else")).toBeUndefined();
      expect(await a.leaseRun("cli-4", "driven", 10_000, "cli-2")).toMatchObject({ leaseOwner: "cli-4" });
      expect(await b.releaseRun("cli-2", "waits")).toBe(true);
      expect(await a.leaseRun("cli-3", "waits", 10_000)).toMatchObject({ leaseOwner: "cli-3" });
    });

    test("a run created with a lease is its creator's until the lease expires", async () => {
      const [a, b] = [ctx.store(), await ctx.second()];
      const created = await a.createRun({
        ...newRun("leased"),
        lease: { workerId: "cli-1", leaseMs: 10_000 },
      });
      expect(created).toMatchObject({ leaseOwner: "cli-1", leaseExpiresAtMs: ctx.clock.now() + 10_000 });
      expect(await b.claimRuns("worker-b", 10, 10_000)).toEqual([]);
      ctx.clock.advance(5_000);
      expect(await a.heartbeat("cli-1", ["leased"], 10_000)).toEqual(["leased"]);
      ctx.clock.advance(9_999);
      expect(await b.claimRuns("worker-b", 10, 10_000)).toEqual([]);
      ctx.clock.advance(1);
      expect((await b.claimRuns("worker-b", 10, 10_000)).map((r) => r.id)).toEqual(["leased"]);
    });

    test("two workers claiming concurrently never get the same run", async () => {
      const [a, b] = [ctx.store(), await ctx.second()];
      for (let i = 0; i < 60; i++) await a.createRun(newRun(`run-${String(i).padStart(2, "0")}`));
      const seen = new Map<string, string>();
      for (let round = 0; round < 10; round++) {
        const [fromA, fromB] = await Promise.all([
          a.claimRuns("worker-a", 4, 60_000),
          b.claimRuns("worker-b", 4, 60_000),
        ]);
        for (const [worker, runs] of [
          ["worker-a", fromA],
          ["worker-b", fromB],
        ] as const) {
          for (const run of runs) {
            expect(seen.get(run.id), `${run.id} claimed twice`).toBeUndefined();
            seen.set(run.id, worker);
          }
        }
      }
      expect(seen.size).toBe(60);
    });

    test("an expired lease is taken over; a live one is not", async () => {
      const [a, b] = [ctx.store(), await ctx.second()];
      await a.createRun(newRun("run-1"));
      expect(await a.claimRuns("worker-a", 1, 10_000)).toHaveLength(1);
      ctx.clock.advance(9_999);
      expect(await b.claimRuns("worker-b", 1, 10_000)).toEqual([]);
      ctx.clock.advance(1);
      const taken = await b.claimRuns("worker-b", 1, 10_000);
      expect(taken.map((r) => [r.id, r.leaseOwner])).toEqual([["run-1", "worker-b"]]);
      // The killed worker's heartbeat no longer holds it.
      expect(await a.heartbeat("worker-a", ["run-1"], 10_000)).toEqual([]);
    });

    test("heartbeat extends only the caller's leases on live runs", async () => {
      const store = ctx.store();
      for (const id of ["run-1", "run-2", "run-3"]) await store.createRun(newRun(id));
      await store.claimRuns("worker-a", 2, 1_000);
      await store.claimRuns("worker-b", 1, 1_000);
      await store.updateRunStatus("run-2", "pending", "cancelled");
      ctx.clock.advance(900);
      const held = await store.heartbeat("worker-a", ["run-1", "run-2", "run-3", "ghost"], 5_000);
      expect(held).toEqual(["run-1"]);
      expect((await store.getRun("run-1"))?.leaseExpiresAtMs).toBe(ctx.clock.now() + 5_000);
      ctx.clock.advance(200);
      expect((await store.claimRuns("worker-b", 10, 1_000)).map((r) => r.id)).toEqual(["run-3"]);
      expect(await store.heartbeat("worker-a", [], 5_000)).toEqual([]);
      await expect(store.heartbeat("worker-a", ["run-1"], 0)).rejects.toThrow(/leaseMs/);
    });

    test("releaseRun frees a run for others; only the holder can release", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      await store.claimRuns("worker-a", 1, 60_000);
      expect(await store.releaseRun("worker-b", "run-1")).toBe(false);
      expect(await store.releaseRun("worker-a", "run-1")).toBe(true);
      const run = await store.getRun("run-1");
      expect(run?.leaseOwner).toBeUndefined();
      expect((await store.claimRuns("worker-b", 1, 60_000)).map((r) => r.id)).toEqual(["run-1"]);
    });

    test("a waiting run becomes claimable when its wake time comes due", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      await store.updateRunStatus("run-1", "pending", "waiting", { wakeAtMs: ctx.clock.now() + 1_000 });
      expect(await store.claimRuns("worker-a", 1, 60_000)).toEqual([]);
      ctx.clock.advance(1_000);
      expect((await store.claimRuns("worker-a", 1, 60_000)).map((r) => r.id)).toEqual(["run-1"]);
    });
  });
}
