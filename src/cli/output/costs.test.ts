import { describe, expect, it } from "vitest";
import type { RunStatus, SpendRecord } from "../../spec/index.js";
import { costReport, formatUsd, renderCostReport } from "./costs.js";

const record = (overrides: Partial<SpendRecord>): SpendRecord => ({
  id: "x",
  runId: "run-1",
  workflowName: "wf",
  stepId: "draft",
  model: "openai/gpt-4o",
  day: "2026-11-22",
  status: "settled",
  estimateMicroUsd: 9_999,
  costMicroUsd: 0,
  outcome: "ok",
  createdAtMs: 0,
  expiresAtMs: 3_600_000,
  ...overrides,
});

describe("costReport", () => {
  it("sums exact micro-dollars per run, workflow, step and model, counting failures, cancels and open reservations", () => {
    const records = [
      record({ costMicroUsd: 1_234 }),
      record({ costMicroUsd: 100, outcome: "error" }),
      record({
        runId: "run-2",
        stepId: "review",
        model: "openai/gpt-4o-mini",
        costMicroUsd: 7,
        outcome: "cancelled",
      }),
      record({
        runId: "run-2",
        stepId: "review",
        status: "reserved",
        outcome: undefined,
        estimateMicroUsd: 500,
      }),
    ];
    const statuses = new Map<string, RunStatus>([["run-1", "failed"]]);
    const report = costReport(records, statuses);
    expect(report.total).toMatchObject({
      costMicroUsd: 1_341,
      calls: 4,
      failedCalls: 1,
      cancelledCalls: 1,
      reservedMicroUsd: 500,
    });
    expect(report.byRun.map((l) => [l.key, l.costMicroUsd, l.status])).toEqual([
      ["run-1", 1_334, "failed"],
      ["run-2", 7, undefined],
    ]);
    expect(report.byStep.map((l) => [l.key, l.calls])).toEqual([
      ["wf/draft", 2],
      ["wf/review", 2],
    ]);
    expect(report.byModel.map((l) => [l.key, l.costMicroUsd])).toEqual([
      ["openai/gpt-4o", 1_334],
      ["openai/gpt-4o-mini", 7],
    ]);
    const text = renderCostReport(report, "of all runs").join("\n");
    expect(text).toContain("Costs of all runs: $0.001341 over 4 calls");
    expect(text).toMatch(
      /run-2 wf deleted\s+\$0\.000007 {2}2 calls, 1 cancelled, \$0\.000500 reserved, not yet settled/,
    );
  });

  it("counts reservations cleared after a crash apart, at no cost", () => {
    const report = costReport(
      [record({ costMicroUsd: 0, outcome: "expired" }), record({ costMicroUsd: 10 })],
      new Map(),
    );
    expect(report.total).toMatchObject({ calls: 2, expiredCalls: 1, costMicroUsd: 10 });
    expect(renderCostReport(report, "of all runs").join("\n")).toContain(
      "2 calls, 1 cut off by a crash (cost unknown)",
    );
  });

  it("formats micro-dollars exactly and says when nothing was recorded", () => {
    expect(formatUsd(0)).toBe("$0.000000");
    expect(formatUsd(12_345_678)).toBe("$12.345678");
    expect(renderCostReport(costReport([], new Map()), "in the last 7d")).toEqual([
      "no model calls recorded in the last 7d",
    ]);
  });
});
