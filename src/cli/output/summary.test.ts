import { describe, expect, it } from "vitest";
import type { RunEvent, RunRecord, SpendRecord } from "../../spec/index.js";
import { summarise } from "./summary.js";

const run = { id: "r2", status: "succeeded", workflowName: "wf" } as RunRecord;

const call = (stepId: string, inputTokens: number): RunEvent[] => [
  { type: "model-call-start", stepId, attempt: 1, callKey: `k-${stepId}`, model: "acme/m" },
  {
    type: "model-call-end",
    stepId,
    attempt: 1,
    callKey: `k-${stepId}`,
    model: "acme/m",
    outcome: "ok",
    usage: { inputTokens, outputTokens: 10 },
    costUsd: 0.5,
    durationMs: 5,
  },
];

const spend = (overrides: Partial<SpendRecord>): SpendRecord => ({
  id: "s",
  runId: "r2",
  workflowName: "wf",
  stepId: "b",
  model: "acme/m",
  day: "2026-11-23",
  status: "settled",
  estimateMicroUsd: 900_000,
  costMicroUsd: 500_000,
  outcome: "ok",
  createdAtMs: 0,
  expiresAtMs: 1,
  ...overrides,
});

describe("summarise", () => {
  it("counts calls and cost as the ledger does: a call cut off by a crash counts, at no known cost", () => {
    const events = [
      { type: "run-start", workflowName: "wf", workflowHash: "h" },
      ...call("a", 100),
    ] as RunEvent[];
    // `a` answered; `b` was in flight when its process was killed (expired), then ran again and answered.
    const ledger = [
      spend({ stepId: "a" }),
      spend({ outcome: "expired", costMicroUsd: 0 }),
      spend({ status: "reserved", outcome: undefined, costMicroUsd: 0 }),
      spend({}),
    ];
    const summary = summarise("r2", run, events, ledger, []);
    expect(summary).toMatchObject({ modelCalls: 4, cutOffCalls: 2, costUsd: 1, inputTokens: 100 });
    expect(summary.text).toContain("4 model calls (2 cut off by a crash or stop: cost unknown) · 100 input");
  });

  it("an open reservation of a run being driven is a call in flight, not one cut off", () => {
    const running = { ...run, status: "running" } as RunRecord;
    const ledger = [spend({}), spend({ status: "reserved", outcome: undefined, costMicroUsd: 0 })];
    const summary = summarise("r2", running, [], ledger, []);
    expect(summary).toMatchObject({ modelCalls: 2, cutOffCalls: 0 });
    expect(summary.text).toContain("2 model calls (1 in flight) ·");
  });

  it("a call its budget refused was never sent: not counted", () => {
    const [callStart, callEnd] = call("a", 0);
    const refused = { ...callEnd, outcome: "error", error: { name: "BudgetExceededError", message: "over" } };
    const events = [
      { type: "run-start", workflowName: "wf", workflowHash: "h" },
      callStart,
      refused,
    ] as RunEvent[];
    expect(summarise("r2", run, events, [], []).modelCalls).toBe(0);
  });

  it("a fork's reused calls count for the run that paid for them", () => {
    const events = [
      {
        type: "run-start",
        workflowName: "wf",
        workflowHash: "h",
        forkedFrom: { runId: "r1", reusedEvents: 2 },
      },
      ...call("a", 100),
      ...call("b", 7),
    ] as RunEvent[];
    const summary = summarise("r2", run, events, [spend({})], []);
    expect(summary).toMatchObject({ modelCalls: 1, costUsd: 0.5, inputTokens: 7, forkedFrom: "r1" });
    expect(summary.text).toContain("1 model call · 7 input + 10 output tokens · $0.5000");
    expect(summary.text).toContain("forked from run r1");
  });

  it("adds answers from the response cache, which make no call and have no ledger row", () => {
    const [callStart, callEnd] = call("a", 5);
    const events = [
      { type: "run-start", workflowName: "wf", workflowHash: "h" },
      callStart,
      { ...callEnd, costUsd: 0, cacheHit: true },
      ...call("b", 7),
    ] as RunEvent[];
    const summary = summarise("r2", run, events, [spend({})], []);
    expect(summary).toMatchObject({ modelCalls: 2, cacheHits: 1, costUsd: 0.5 });
    expect(summary.text).toContain("2 model calls (1 from the response cache) · 12 input");
  });

  it("a run with no ledger rows (a dry run, a replay) counts its journal's calls", () => {
    const events = [
      { type: "run-start", workflowName: "wf", workflowHash: "h" },
      ...call("a", 3),
    ] as RunEvent[];
    expect(summarise("r2", run, events, [], [])).toMatchObject({
      modelCalls: 1,
      costUsd: 0.5,
      cutOffCalls: 0,
    });
  });
});
