/** Contract cases: the append-only journal, optimistic concurrency and call records. */
import { describe, expect } from "vitest";
import { StoreConflictError, StoreNotFoundError } from "../../../errors/index.js";
import type { RunEvent } from "../../../spec/index.js";
import type { ContractContext, ContractTest } from "../contract-types.js";
import {
  documentVersion,
  modelCallEnd,
  modelCallStart,
  newRun,
  rejectionOf,
  runStart,
  stepEnd,
  stepStart,
} from "../fixtures.js";

export function describeJournalCases(test: ContractTest, ctx: ContractContext): void {
  describe("journal", () => {
    test("appends batches in order with gap-free seqs and reads them back exactly", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      const first = await store.appendEvents("run-1", 0, [runStart]);
      expect(first).toEqual({ firstSeq: 0, nextSeq: 1, atMs: ctx.clock.startMs });
      ctx.clock.advance(7);
      const batch: RunEvent[] = [
        stepStart("draft"),
        modelCallStart("draft", "k1"),
        modelCallEnd("draft", "k1"),
      ];
      const second = await store.appendEvents("run-1", 1, batch);
      expect(second).toEqual({ firstSeq: 1, nextSeq: 4, atMs: ctx.clock.startMs + 7 });
      await store.appendEvents("run-1", 4, [stepEnd("draft")], { atMs: 123 });
      const journal = await store.readEvents("run-1");
      expect(journal.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
      expect(journal.map((e) => e.event)).toEqual([runStart, ...batch, stepEnd("draft")]);
      expect(journal.map((e) => e.atMs)).toEqual([
        ctx.clock.startMs,
        ...Array(3).fill(ctx.clock.startMs + 7),
        123,
      ]);
      expect((await store.readEvents("run-1", 3)).map((e) => e.seq)).toEqual([3, 4]);
      expect(await store.readEvents("other-run")).toEqual([]);
      expect((await store.getRun("run-1"))?.nextSeq).toBe(5);
    });

    test("a stale expectedNextSeq is a typed conflict and writes nothing", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      await store.appendEvents("run-1", 0, [runStart, stepStart("a")]);
      const error = await rejectionOf(store.appendEvents("run-1", 1, [stepEnd("a"), stepStart("b")]));
      expect(error).toBeInstanceOf(StoreConflictError);
      expect(error).toMatchObject({ reason: "seq", runId: "run-1", expected: "1", actual: "2" });
      expect(await store.readEvents("run-1")).toHaveLength(2);
      await expect(store.appendEvents("ghost", 0, [runStart])).rejects.toBeInstanceOf(StoreNotFoundError);
      await expect(store.appendEvents("run-1", -1, [runStart])).rejects.toThrow(/non-negative integer/);
    });

    test("two writers appending at the same seq: exactly one wins each round", async () => {
      const [a, b] = [ctx.store(), await ctx.second()];
      await a.createRun(newRun("run-1"));
      let nextSeq = 0;
      for (let round = 0; round < 25; round++) {
        const results = await Promise.allSettled([
          a.appendEvents("run-1", nextSeq, [stepStart(`a-${round}`), stepEnd(`a-${round}`)]),
          b.appendEvents("run-1", nextSeq, [stepStart(`b-${round}`)]),
        ]);
        const won = results.filter((r) => r.status === "fulfilled");
        const lost = results.filter((r) => r.status === "rejected");
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(StoreConflictError);
        nextSeq = (won[0] as PromiseFulfilledResult<{ nextSeq: number }>).value.nextSeq;
      }
      const journal = await b.readEvents("run-1");
      expect(journal.map((e) => e.seq)).toEqual([...Array(nextSeq).keys()]);
    });

    test("many runs appending concurrently through one store all land, each in order", async () => {
      const store = ctx.store();
      const runIds = Array.from({ length: 40 }, (_, i) => `run-${i}`);
      for (const id of runIds) await store.createRun(newRun(id));
      await Promise.all(
        runIds.map(async (id) => {
          let seq = 0;
          for (let step = 0; step < 5; step++) {
            seq = (await store.appendEvents(id, seq, [stepStart(`s${step}`), stepEnd(`s${step}`)])).nextSeq;
          }
        }),
      );
      for (const id of runIds) {
        const journal = await store.readEvents(id);
        expect(journal.map((e) => e.seq)).toEqual([...Array(10).keys()]);
        expect(journal[9]?.event).toEqual(stepEnd("s4"));
      }
    });

    test("in one burst of appends, each stands or falls alone", async () => {
      const store = ctx.store();
      const ids = Array.from({ length: 20 }, (_, i) => `run-${i}`);
      for (const id of ids) await store.createRun(newRun(id));
      const blob = await store.putBlob(new TextEncoder().encode("doc"));
      await store.appendEvents("run-3", 0, [documentVersion("prd", 1, blob, 3)]);
      const results = await Promise.allSettled([
        ...ids.map((id, i) =>
          store.appendEvents(
            id,
            i === 3 ? 1 : i % 2 === 0 ? 0 : 5,
            [{ ...stepStart(`s-${i}`), blobs: [blob] }, documentVersion("prd", 1, blob, 3)],
            // run-3's caller has a bug: a time that is not a number, which the database itself refuses.
            i === 3 ? { atMs: Number.NaN } : {},
          ),
        ),
        store.appendEvents("run-0", 2, [stepEnd("s-0")]),
      ]);
      const outcome = results.map((r) =>
        r.status === "fulfilled" ? "ok" : r.reason instanceof StoreConflictError ? "conflict" : "failed",
      );
      // run-3 fails alone, with the driver's error; the others in its batch commit.
      const expected = ids.map((_, i) => (i === 3 ? "failed" : i % 2 === 0 ? "ok" : "conflict"));
      expect(outcome).toEqual([...expected, "ok"]);
      expect((await store.readEvents("run-0")).map((e) => e.event.type)).toEqual([
        "step-start",
        "document-version",
        "step-end",
      ]);
      expect(await store.readEvents("run-1")).toEqual([]);
      expect(await store.readEvents("run-3")).toHaveLength(1);
      expect((await store.listDocumentVersions("run-2")).map((d) => d.blobHash)).toEqual([blob]);
    });

    test("appendEvents can change status atomically, and a terminal run is sealed", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      await store.appendEvents("run-1", 0, [runStart], { status: "running" });
      expect((await store.getRun("run-1"))?.status).toBe("running");
      await store.appendEvents("run-1", 1, [{ type: "run-end", status: "succeeded" }], {
        status: "succeeded",
      });
      const sealed = await rejectionOf(store.appendEvents("run-1", 2, [stepStart("late")]));
      expect(sealed).toBeInstanceOf(StoreConflictError);
      expect(sealed).toMatchObject({ reason: "status", actual: "succeeded" });
      expect(await store.readEvents("run-1")).toHaveLength(2);
    });

    test("oversized or untyped events are refused with a clear message", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      const huge = { ...stepEnd("a"), output: "x".repeat(2 * 1024 * 1024) } as RunEvent;
      await expect(store.appendEvents("run-1", 0, [huge])).rejects.toThrow(/putBlob/);
      await expect(store.appendEvents("run-1", 0, [{} as RunEvent])).rejects.toThrow(/type/);
      expect(await store.readEvents("run-1")).toEqual([]);
    });

    test("call records: events carrying a callKey are found by (run, callKey)", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      await store.createRun(newRun("run-2"));
      await store.appendEvents("run-1", 0, [
        runStart,
        modelCallStart("a", "key-1"),
        modelCallStart("b", "key-2"),
      ]);
      await store.appendEvents("run-1", 3, [modelCallEnd("a", "key-1", "first")]);
      await store.appendEvents("run-2", 0, [modelCallStart("a", "key-1")]);
      const calls = await store.readCallEvents("run-1", "key-1");
      expect(calls.map((c) => [c.seq, c.event.type])).toEqual([
        [1, "model-call-start"],
        [3, "model-call-end"],
      ]);
      expect(calls[1]?.event).toEqual(modelCallEnd("a", "key-1", "first"));
      const inFlight = await store.readCallEvents("run-1", "key-2");
      expect(inFlight.map((c) => c.event.type)).toEqual(["model-call-start"]);
      expect(await store.readCallEvents("run-1", "unknown")).toEqual([]);
      expect(await store.readCallEvents("run-2", "key-1")).toHaveLength(1);
    });
  });
}
