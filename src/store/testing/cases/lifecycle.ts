/** Contract cases: the waiting inbox, waitForWork, garbage collection, migrations and close. */
import { describe, expect } from "vitest";
import { StoreVersionError } from "../../../errors/index.js";
import { MIGRATIONS, type Migration } from "../../migrations/index.js";
import type { ContractContext, ContractTest } from "../contract-types.js";
import {
  bytesOf,
  documentVersion,
  humanInputRequest,
  humanInputResponse,
  newRun,
  runStart,
  stepEnd,
} from "../fixtures.js";

const probeMigration: Migration = {
  version: (MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0) + 1,
  name: "contract-probe",
  sqlite: "CREATE TABLE contract_probe (id INTEGER PRIMARY KEY)",
  postgres: "CREATE TABLE contract_probe (id INTEGER PRIMARY KEY)",
};

export function describeLifecycleCases(test: ContractTest, ctx: ContractContext): void {
  describe("waiting inbox", () => {
    test("listWaitingRuns shows waiting runs with their unanswered requests", async () => {
      const store = ctx.store();
      for (const id of ["run-1", "run-2", "run-3", "run-4"]) await store.createRun(newRun(id));
      await store.appendEvents("run-1", 0, [runStart, humanInputRequest("r1")], { status: "waiting" });
      ctx.clock.advance(1);
      await store.appendEvents(
        "run-2",
        0,
        [humanInputRequest("a"), humanInputResponse("a"), humanInputRequest("b")],
        { status: "waiting" },
      );
      ctx.clock.advance(1);
      await store.updateRunStatus("run-3", "pending", "waiting");
      await store.appendEvents("run-4", 0, [humanInputRequest("x")], { status: "running" });
      const inbox = await store.listWaitingRuns();
      expect(inbox.map((w) => [w.run.id, w.openRequests.map((r) => [r.seq, r.event.requestId])])).toEqual([
        ["run-1", [[1, "r1"]]],
        ["run-2", [[2, "b"]]],
        ["run-3", []],
      ]);
      await store.appendEvents("run-1", 2, [humanInputResponse("r1")], { status: "running" });
      expect((await store.listWaitingRuns(10)).map((w) => w.run.id)).toEqual(["run-2", "run-3"]);
    });
  });

  describe("waitForWork", () => {
    const prime = async (): Promise<void> => {
      // A backend may report one spurious wake-up while it starts listening; consume it.
      await ctx.store().waitForWork(undefined, 20);
      await ctx.store().claimRuns("primer", 0, 1_000);
    };

    test("wakes when a run is created or resumed elsewhere", async () => {
      const [a, b] = [ctx.store(), await ctx.second()];
      await prime();
      const started = Date.now();
      const created = a.waitForWork(undefined, 10_000);
      setTimeout(() => void b.createRun(newRun("run-1")), 20);
      expect(await created).toBe("notified");
      await b.updateRunStatus("run-1", "pending", "waiting");
      await a.claimRuns("worker-a", 0, 1_000);
      const resumed = a.waitForWork(undefined, 10_000);
      setTimeout(() => void b.updateRunStatus("run-1", "waiting", "running"), 20);
      expect(await resumed).toBe("notified");
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    test("returns at lease expiry, on abort, and after maxWaitMs", async () => {
      const store = ctx.store();
      await prime();
      expect(await store.waitForWork(undefined, 30)).toBe("timeout");
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 20);
      expect(await store.waitForWork(controller.signal, 10_000)).toBe("aborted");
      expect(await store.waitForWork(controller.signal, 10_000)).toBe("aborted");
      await store.createRun(newRun("run-1"));
      await store.claimRuns("worker-a", 1, 60);
      const started = Date.now();
      let reason = await store.waitForWork(undefined, 10_000);
      // The NOTIFY of createRun may arrive after the claim: a spurious wake-up the contract allows.
      while (reason === "notified") reason = await store.waitForWork(undefined, 10_000);
      expect(reason).toBe("due");
      expect(Date.now() - started).toBeLessThan(5_000);
    });
  });

  describe("garbage collection", () => {
    test("deleteRunsOlderThan removes only old terminal runs and everything they own", async () => {
      const store = ctx.store();
      for (const id of ["old-done", "old-active", "new-done"]) await store.createRun(newRun(id));
      await store.appendEvents("old-done", 0, [runStart, stepEnd("a")], { status: "succeeded" });
      await store.appendEvents("old-active", 0, [runStart], { status: "running" });
      ctx.clock.advance(10_000);
      await store.updateRunStatus("new-done", "pending", "failed");
      const deleted = await store.deleteRunsOlderThan(new Date(ctx.clock.startMs + 5_000));
      expect(deleted).toBe(1);
      expect(await store.getRun("old-done")).toBeUndefined();
      expect(await store.readEvents("old-done")).toEqual([]);
      expect((await store.listRuns()).runs.map((r) => r.id).sort()).toEqual(["new-done", "old-active"]);
    });

    test("deleteOrphanBlobs keeps referenced and recent blobs", async () => {
      const store = ctx.store();
      const orphanOld = await store.putBlob(bytesOf("orphan, old"));
      const touched = await store.putBlob(bytesOf("orphan, re-put later"));
      const run = await store.createRun(newRun("run-1"));
      const doc = await store.putBlob(bytesOf('{"doc":1}'));
      const extra = await store.putBlob(bytesOf("referenced through blobs[]"));
      await store.appendEvents("run-1", 0, [
        documentVersion("prd", 1, doc, 9),
        { ...stepEnd("a"), blobs: [extra] },
      ]);
      ctx.clock.advance(2 * 60 * 60 * 1000);
      const orphanNew = await store.putBlob(bytesOf("orphan, new"));
      await store.putBlob(bytesOf("orphan, re-put later"));
      const report = await store.deleteOrphanBlobs();
      expect(report).toEqual({ blobsDeleted: 1, bytesDeleted: "orphan, old".length });
      expect(await store.getBlob(orphanOld)).toBeUndefined();
      for (const kept of [touched, run.definitionHash, doc, extra, orphanNew]) {
        expect(await store.getBlob(kept), kept).toBeDefined();
      }
      await store.updateRunStatus("run-1", "pending", "succeeded");
      expect(await store.deleteRunsOlderThan(new Date(ctx.clock.now() + 1))).toBe(1);
      const later = new Date(ctx.clock.now() + 1);
      expect((await store.deleteOrphanBlobs(later)).blobsDeleted).toBe(5);
      expect(await store.getBlob(doc)).toBeUndefined();
    });
  });

  describe("migrations", () => {
    test("migrations are idempotent", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      const again = await ctx.open();
      expect(again.schemaVersion).toBe(store.schemaVersion);
      expect((await again.getRun("run-1"))?.id).toBe("run-1");
      const upgraded = await ctx.open({ migrations: [...MIGRATIONS, probeMigration] });
      expect(upgraded.schemaVersion).toBe(probeMigration.version);
      const reopened = await ctx.open({ migrations: [...MIGRATIONS, probeMigration] });
      expect(reopened.schemaVersion).toBe(probeMigration.version);
      expect((await reopened.getRun("run-1"))?.id).toBe("run-1");
    });

    test("refuses a schema written by a newer quorum", async () => {
      await ctx.open({ migrations: [...MIGRATIONS, probeMigration] });
      const error = await ctx.open().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StoreVersionError);
      expect(error).toMatchObject({
        databaseVersion: probeMigration.version,
        supportedVersion: probeMigration.version - 1,
      });
      expect((error as Error).message).toMatch(/newer quorum.*Upgrade quorum/);
    });
  });

  describe("close", () => {
    test("close is idempotent and later calls fail clearly", async () => {
      const store = await ctx.open();
      await store.close();
      await store.close();
      await expect(store.getRun("run-1")).rejects.toThrow(/closed/);
    });
  });
}
