/** Contract cases: the spend ledger (atomic reservations, reconciliation, per-day sums) and the response cache. */
import { describe, expect } from "vitest";
import type { SpendLimit, SpendReservation } from "../../../spec/index.js";
import type { ContractContext, ContractTest } from "../contract-types.js";

const reservation = (id: string, overrides: Partial<SpendReservation> = {}): SpendReservation => ({
  id,
  runId: "run-1",
  workflowName: "strategy",
  stepId: "draft",
  model: "openai/gpt-4o",
  estimateMicroUsd: 400,
  limits: [],
  ...overrides,
});

const dayLimit = (limitMicroUsd: number): SpendLimit => ({ scope: "day", limitMicroUsd });

export function describeSpendCases(test: ContractTest, ctx: ContractContext): void {
  describe("spend ledger", () => {
    test("a reservation that would exceed a limit is refused and names the limit", async () => {
      const store = ctx.store();
      const limits: SpendLimit[] = [{ scope: "step", limitMicroUsd: 1000 }];
      expect(await store.reserveSpend(reservation("a", { limits }))).toEqual({ type: "reserved" });
      expect(await store.reserveSpend(reservation("b", { limits }))).toEqual({ type: "reserved" });
      expect(await store.reserveSpend(reservation("c", { limits }))).toEqual({
        type: "exceeded",
        limit: limits[0],
        spentMicroUsd: 800,
      });
      // Another step of the same run has its own step budget.
      expect(await store.reserveSpend(reservation("d", { limits, stepId: "review" }))).toEqual({
        type: "reserved",
      });
      expect((await store.listSpend()).map((r) => r.id)).toEqual(["a", "b", "d"]);
    });

    test("settling replaces the estimate by the exact cost, once", async () => {
      const store = ctx.store();
      const limits: SpendLimit[] = [{ scope: "run", limitMicroUsd: 1000 }];
      await store.reserveSpend(reservation("a", { limits, estimateMicroUsd: 900 }));
      ctx.clock.advance(5);
      await store.settleSpend("a", { costMicroUsd: 150, outcome: "ok", model: "openai/gpt-4o-mini" });
      await store.settleSpend("a", { costMicroUsd: 999, outcome: "error", model: "x/y" });
      expect(await store.reserveSpend(reservation("b", { limits, estimateMicroUsd: 850 }))).toEqual({
        type: "reserved",
      });
      const [a] = await store.listSpend({ runId: "run-1" });
      expect(a).toMatchObject({
        id: "a",
        status: "settled",
        costMicroUsd: 150,
        estimateMicroUsd: 900,
        outcome: "ok",
        model: "openai/gpt-4o-mini",
        createdAtMs: ctx.clock.startMs,
        settledAtMs: ctx.clock.startMs + 5,
        day: "2023-11-14",
      });
    });

    test("a per-day limit sums every run of the UTC day and restarts the next day", async () => {
      const store = ctx.store();
      const limits = [dayLimit(1000)];
      await store.reserveSpend(reservation("a", { runId: "run-1", limits, estimateMicroUsd: 600 }));
      await store.settleSpend("a", { costMicroUsd: 700, outcome: "error", model: "openai/gpt-4o" });
      const refused = await store.reserveSpend(reservation("b", { runId: "run-2", limits }));
      expect(refused).toMatchObject({ type: "exceeded", limit: { scope: "day" }, spentMicroUsd: 700 });
      ctx.clock.advance(24 * 3_600_000);
      expect(await store.reserveSpend(reservation("c", { runId: "run-2", limits }))).toEqual({
        type: "reserved",
      });
      expect((await store.listSpend({ sinceMs: ctx.clock.startMs + 1 })).map((r) => r.id)).toEqual(["c"]);
    });

    test("two stores reserving against one per-day budget at once never overspend it", async () => {
      const stores = [ctx.store(), await ctx.second()];
      const limits = [dayLimit(10_000)];
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          stores[i % 2]!.reserveSpend(
            reservation(`r${i}`, { runId: `run-${i}`, limits, estimateMicroUsd: 1000 }),
          ),
        ),
      );
      expect(results.filter((r) => r.type === "reserved")).toHaveLength(10);
      const total = (await stores[0]!.listSpend()).reduce((sum, r) => sum + r.estimateMicroUsd, 0);
      expect(total).toBe(10_000);
    });
  });

  describe("response cache", () => {
    test("a cached response is returned until its time to live passes, and can be replaced", async () => {
      const store = ctx.store();
      expect(await store.getCachedResponse("k")).toBeUndefined();
      await store.putCachedResponse("k", '{"text":"one"}', 1000);
      expect(await store.getCachedResponse("k")).toBe('{"text":"one"}');
      ctx.clock.advance(1000);
      expect(await store.getCachedResponse("k")).toBeUndefined();
      await store.putCachedResponse("k", '{"text":"two"}', 1000);
      expect(await (await ctx.second()).getCachedResponse("k")).toBe('{"text":"two"}');
    });
  });
}
