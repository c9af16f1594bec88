/** Contract cases: alert history (migration 0004) — ordered appends, time filter, limit, sharing. */
import { describe, expect } from "vitest";
import type { NewAlertEvent } from "../../../spec/index.js";
import type { ContractContext, ContractTest } from "../contract-types.js";

const alert = (rule: string, state: "firing" | "resolved", atMs: number): NewAlertEvent => ({
  rule,
  state,
  atMs,
  metric: "error-rate",
  value: state === "firing" ? 0.25 : 0.01,
  threshold: 0.1,
  windowMs: 3_600_000,
  message: `${rule} ${state}`,
});

export function describeAlertCases(test: ContractTest, ctx: ContractContext): void {
  describe("alert history", () => {
    test("alert events come back oldest first with increasing seq and every field", async () => {
      const store = ctx.store();
      expect(await store.listAlertEvents()).toEqual([]);
      await store.appendAlertEvents([alert("errors", "firing", 2000), alert("slow", "firing", 2000)]);
      await store.appendAlertEvents([alert("errors", "resolved", 5000)]);
      await store.appendAlertEvents([]);
      const all = await store.listAlertEvents();
      expect(all.map((a) => [a.rule, a.state, a.atMs])).toEqual([
        ["errors", "firing", 2000],
        ["slow", "firing", 2000],
        ["errors", "resolved", 5000],
      ]);
      expect(all[0]).toEqual({ ...alert("errors", "firing", 2000), seq: all[0]?.seq });
      const seqs = all.map((a) => a.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(3);
    });

    test("listAlertEvents filters by time and honours the limit", async () => {
      const store = ctx.store();
      await store.appendAlertEvents([1000, 2000, 3000, 4000].map((at) => alert("errors", "firing", at)));
      expect((await store.listAlertEvents({ sinceMs: 2500 })).map((a) => a.atMs)).toEqual([3000, 4000]);
      expect((await store.listAlertEvents({ limit: 2 })).map((a) => a.atMs)).toEqual([1000, 2000]);
      expect((await store.listAlertEvents({ sinceMs: 2000, limit: 1 })).map((a) => a.atMs)).toEqual([2000]);
    });

    test("alert events written by one store are read by another", async () => {
      const [a, b] = [ctx.store(), await ctx.second()];
      await a.appendAlertEvents([alert("quality", "firing", 7000)]);
      expect((await b.listAlertEvents()).map((e) => e.rule)).toEqual(["quality"]);
    });
  });
}
