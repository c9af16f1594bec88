/** Contract cases: quality observations and feedback, the router's learning data (migration 3). */
import { describe, expect } from "vitest";
import type { QualityObservation } from "../../../spec/index.js";
import type { ContractContext, ContractTest } from "../contract-types.js";
import { newRun, rejectionOf, runStart } from "../fixtures.js";

const observation = (id: string, fields: Partial<QualityObservation> = {}): QualityObservation => ({
  id,
  taskType: "writing",
  model: "openai/gpt-4o-mini",
  score: 0.75,
  source: "gate",
  runId: "run-1",
  stepId: "draft",
  atMs: 1_700_000_000_000,
  ...fields,
});

export function describeLearningCases(test: ContractTest, ctx: ContractContext): void {
  describe("quality observations", () => {
    test("recording is idempotent by id and reads back exactly, newest first", async () => {
      const store = ctx.store();
      const a = observation("obs-a", { atMs: 1_000 });
      const b = observation("obs-b", { atMs: 3_000, model: "groq/llama", score: 0, source: "feedback" });
      expect(await store.recordQualityObservations([a, b])).toBe(2);
      expect(
        await store.recordQualityObservations([a, observation("obs-c", { atMs: 2_000, score: 1 })]),
      ).toBe(1);
      expect(await store.recordQualityObservations([])).toBe(0);
      const all = await store.listQualityObservations();
      expect(all.map((o) => o.id)).toEqual(["obs-b", "obs-c", "obs-a"]);
      expect(all[0]).toEqual(b);
      expect(all[2]).toEqual(a);
    });

    test("filters by task type, time and limit; another connection sees them", async () => {
      const store = ctx.store();
      await store.recordQualityObservations([
        observation("w1", { atMs: 100 }),
        observation("w2", { atMs: 200 }),
        observation("c1", { atMs: 300, taskType: "coding", score: 0.4 }),
      ]);
      const other = await ctx.second();
      expect((await other.listQualityObservations({ taskType: "writing" })).map((o) => o.id)).toEqual([
        "w2",
        "w1",
      ]);
      expect((await other.listQualityObservations({ sinceMs: 200 })).map((o) => o.id)).toEqual(["c1", "w2"]);
      expect((await other.listQualityObservations({ limit: 1 })).map((o) => o.id)).toEqual(["c1"]);
      expect(await other.listQualityObservations({ taskType: "review" })).toEqual([]);
    });

    test("a score outside 0..1 is refused and nothing of the batch is stored", async () => {
      const store = ctx.store();
      const error = await rejectionOf(
        store.recordQualityObservations([observation("ok"), observation("bad", { score: 1.5 })]),
      );
      expect(error.message).toMatch(/0 to 1/);
      expect(await store.listQualityObservations()).toEqual([]);
    });
  });

  describe("feedback", () => {
    test("stores ratings per run and step, idempotent by id, optional fields absent when unset", async () => {
      const store = ctx.store();
      await store.recordFeedback({
        id: "f1",
        runId: "run-1",
        stepId: "draft",
        rating: 0.2,
        comment: "misses the budget section",
        ratedBy: "ana",
        atMs: 10,
      });
      await store.recordFeedback({ id: "f2", runId: "run-1", stepId: "review", rating: 1, atMs: 20 });
      await store.recordFeedback({ id: "f1", runId: "run-1", stepId: "draft", rating: 0.9, atMs: 30 });
      const all = await store.listFeedback("run-1");
      expect(all).toEqual([
        {
          id: "f1",
          runId: "run-1",
          stepId: "draft",
          rating: 0.2,
          comment: "misses the budget section",
          ratedBy: "ana",
          atMs: 10,
        },
        { id: "f2", runId: "run-1", stepId: "review", rating: 1, atMs: 20 },
      ]);
      expect((await store.listFeedback("run-1", "review")).map((f) => f.id)).toEqual(["f2"]);
      expect(await store.listFeedback("run-2")).toEqual([]);
      expect(
        (
          await rejectionOf(
            store.recordFeedback({ id: "f3", runId: "run-1", stepId: "x", rating: -0.1, atMs: 1 }),
          )
        ).message,
      ).toMatch(/0 to 1/);
    });

    test("feedback is deleted with its run; observations outlive it", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      await store.appendEvents("run-1", 0, [runStart], { status: "succeeded" });
      await store.recordFeedback({ id: "f1", runId: "run-1", stepId: "draft", rating: 0.5, atMs: 1 });
      await store.recordQualityObservations([observation("o1")]);
      expect(await store.deleteRunsOlderThan(new Date(ctx.clock.now() + 1))).toBe(1);
      expect(await store.listFeedback("run-1")).toEqual([]);
      expect((await store.listQualityObservations()).map((o) => o.id)).toEqual(["o1"]);
    });
  });
}
