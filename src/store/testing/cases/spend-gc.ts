/**
 * Contract cases: reservations expire (a crashed process's open reservations stop counting against
 * budgets) and `deleteSpendOlderThan` garbage-collects the ledger and the response cache.
 */
import { describe, expect } from "vitest";
import type { SpendReservation, Store } from "../../../spec/index.js";
import type { ContractContext, ContractTest } from "../contract-types.js";
import { newRun } from "../fixtures.js";

const reservation = (id: string, overrides: Partial<SpendReservation> = {}): SpendReservation => ({
  id,
  runId: "run-1",
  workflowName: "strategy",
  stepId: "draft",
  model: "openai/gpt-4o",
  estimateMicroUsd: 900,
  limits: [],
  ...overrides,
});

const dayMs = 86_400_000;

async function settled(store: Store, id: string, runId: string, costMicroUsd = 100): Promise<void> {
  await store.reserveSpend(reservation(id, { runId }));
  await store.settleSpend(id, { costMicroUsd, outcome: "ok", model: "openai/gpt-4o" });
}

export function describeSpendGcCases(test: ContractTest, ctx: ContractContext): void {
  describe("spend reservations expiry and garbage collection", () => {
    test("an open reservation stops counting when it expires; expiring settles it at 0 and a late settle still lands", async () => {
      const store = ctx.store();
      const limits = [{ scope: "run" as const, limitMicroUsd: 1000 }];
      await store.reserveSpend(reservation("a", { limits, ttlMs: 60_000 }));
      expect(await store.reserveSpend(reservation("b", { limits }))).toMatchObject({
        type: "exceeded",
        spentMicroUsd: 900,
      });
      ctx.clock.advance(60_000);
      // Past its expiry the crashed reservation no longer blocks the budget, even before it is cleared.
      expect(await store.reserveSpend(reservation("b", { limits }))).toEqual({ type: "reserved" });
      expect(await (await ctx.second()).expireSpendReservations()).toBe(1);
      expect(await store.expireSpendReservations()).toBe(0);
      const [a, b] = await store.listSpend();
      expect(a).toMatchObject({
        id: "a",
        status: "settled",
        outcome: "expired",
        costMicroUsd: 0,
        estimateMicroUsd: 900,
        createdAtMs: ctx.clock.startMs,
        settledAtMs: ctx.clock.startMs + 60_000,
        expiresAtMs: ctx.clock.startMs + 60_000,
      });
      expect(b).toMatchObject({ status: "reserved", expiresAtMs: ctx.clock.startMs + 60_000 + 3_600_000 });
      // The call behind `a` did finish after all: its exact cost replaces the expiry, once.
      await store.settleSpend("a", { costMicroUsd: 300, outcome: "ok", model: "openai/gpt-4o-mini" });
      await store.settleSpend("a", { costMicroUsd: 999, outcome: "error", model: "x/y" });
      expect((await store.listSpend())[0]).toMatchObject({ outcome: "ok", costMicroUsd: 300 });
      expect(await store.reserveSpend(reservation("c", { limits, estimateMicroUsd: 1 }))).toMatchObject({
        type: "exceeded",
        spentMicroUsd: 1200,
      });
    });

    test("gc deletes expired cache entries and old ledger rows of deleted or finished runs, keeping today's, open and active runs' rows", async () => {
      const store = ctx.store();
      await store.createRun(newRun("active"));
      await store.createRun(newRun("done"));
      await store.updateRunStatus("done", "pending", "succeeded");
      await settled(store, "active-old", "active");
      await settled(store, "done-old", "done");
      await settled(store, "gone-old", "gone");
      await store.reserveSpend(reservation("crashed", { runId: "gone", ttlMs: 1000 }));
      await store.reserveSpend(reservation("long-open", { runId: "active", ttlMs: 10 * dayMs }));
      await store.putCachedResponse("stale", "{}", 1000);
      await store.putCachedResponse("fresh", "{}", 10 * dayMs);
      ctx.clock.advance(2 * dayMs);
      await settled(store, "gone-today", "gone", 700);
      await settled(store, "done-today", "done", 5);

      const report = await store.deleteSpendOlderThan(new Date(ctx.clock.now() - dayMs));
      expect(report).toEqual({ reservationsExpired: 1, ledgerRowsDeleted: 3, cacheEntriesDeleted: 1 });
      expect((await store.listSpend()).map((r) => r.id).sort()).toEqual([
        "active-old",
        "done-today",
        "gone-today",
        "long-open",
      ]);
      expect(await store.getCachedResponse("fresh")).toBe("{}");
      // Today's totals are intact: the per-day budget still sees 705 spent.
      const refused = await store.reserveSpend(
        reservation("next", { runId: "other", limits: [{ scope: "day", limitMicroUsd: 705 }] }),
      );
      expect(refused).toMatchObject({ type: "exceeded", spentMicroUsd: 705 });
      expect(await store.deleteSpendOlderThan(new Date(ctx.clock.now() - dayMs))).toEqual({
        reservationsExpired: 0,
        ledgerRowsDeleted: 0,
        cacheEntriesDeleted: 0,
      });
    });
  });
}
