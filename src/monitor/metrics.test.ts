import { describe, expect, it } from "vitest";
import { fixtureInfo, journalR1, journalR2 } from "./fixture-journal.js";
import { failedGateScore } from "./gate-verdicts.js";
import { computeMetrics } from "./metrics.js";
import { formatReport, successReport } from "./report.js";
import { extractSamples, securityReason } from "./samples.js";
import { nearestRank, percentiles } from "./stats.js";
import type { Sample } from "./types.js";

const samples = (): Sample[] => [
  ...extractSamples(fixtureInfo("r1"), journalR1).samples,
  ...extractSamples(fixtureInfo("r2"), journalR2).samples,
];
const hour = { fromMs: 0, toMs: 3_600_000 };

describe("percentiles", () => {
  it("are nearest-rank: always a measured value", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentiles(values)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100 });
    expect(percentiles([300, 1000, 400, 900])).toEqual({
      count: 4,
      p50: 400,
      p95: 1000,
      p99: 1000,
      max: 1000,
    });
    expect(percentiles([7])).toEqual({ count: 1, p50: 7, p95: 7, p99: 7, max: 7 });
    expect(percentiles([])).toBeNull();
    expect(() => nearestRank([], 50)).toThrow();
  });
});

describe("samples", () => {
  it("reads gate scores from passed output, remediation feedback and gate errors", () => {
    expect(failedGateScore("Gate 'g' failed in round 2; score 0.25 (threshold 0.8); findings:")).toBe(0.25);
    expect(failedGateScore("Gate 'g' failed in round 1; findings:")).toBeUndefined();
    const quality = samples().filter((s) => s.type === "quality");
    expect(quality.map((q) => [q.type === "quality" && q.score, q.atMs])).toEqual([
      [0.5, 15000],
      [0.9, 17000],
    ]);
  });

  it("recognises guard-related failures and nothing else", () => {
    expect(securityReason({ name: "GuardError", message: "x" })).toBe("guard");
    expect(securityReason({ name: "Error", message: "prompt injection detected" })).toBe("injection");
    expect(securityReason({ name: "ModelCallError", message: "HTTP 503" })).toBeUndefined();
  });

  it("is incremental: extracting in two chunks equals extracting at once", () => {
    const whole = extractSamples(fixtureInfo("r1"), journalR1);
    const first = extractSamples(fixtureInfo("r1"), journalR1.slice(0, 5));
    expect(first.open).toEqual({ "fan#1": 2000 });
    const second = extractSamples(fixtureInfo("r1"), journalR1.slice(5), first.open);
    expect([...first.samples, ...second.samples]).toEqual(whole.samples);
    expect(whole.open).toEqual({});
  });
});

describe("computeMetrics on the fixture journals", () => {
  const m = computeMetrics(samples(), hour);

  it("overall numbers", () => {
    expect(m.overall).toEqual({
      calls: 4,
      callErrors: 2,
      errorRate: 0.5,
      callLatencyMs: { count: 4, p50: 400, p95: 1000, p99: 1000, max: 1000 },
      steps: 4,
      stepErrors: 1,
      responseTimeMs: { count: 4, p50: 1000, p95: 12000, p99: 12000, max: 12000 },
      qualityCount: 2,
      averageQuality: 0.7,
      runsSucceeded: 1,
      runsFailed: 1,
      runsCancelled: 0,
      successRate: 0.5,
      securityEvents: 1,
      costUsd: 0.03,
      inputTokens: 300,
      outputTokens: 130,
      costUsdPerHour: 0.03,
      securityEventsPerHour: 1,
    });
  });

  it("per model, per step class, per workflow and per step", () => {
    expect(Object.keys(m.byModel)).toEqual(["a/x", "b/y"]);
    expect(m.byModel["a/x"]).toMatchObject({
      calls: 2,
      callErrors: 1,
      costUsd: 0.01,
      callLatencyMs: { p50: 300 },
    });
    expect(m.byModel["b/y"]).toMatchObject({
      calls: 2,
      callErrors: 1,
      costUsd: 0.02,
      callLatencyMs: { p95: 1000 },
    });
    expect(m.byStepClass.simple).toMatchObject({ steps: 3, calls: 2, responseTimeMs: { p95: 1000 } });
    expect(m.byStepClass.complex).toMatchObject({ steps: 1, calls: 2, responseTimeMs: { p95: 12000 } });
    expect(m.byWorkflow.wf).toMatchObject({ calls: 4, runsSucceeded: 1, runsFailed: 1 });
    expect(Object.keys(m.bySteps)).toEqual(["wf/draft", "wf/fan", "wf/review"]);
    expect(m.bySteps["wf/review"]).toMatchObject({ kind: "gate", stepClass: "simple", averageQuality: 0.7 });
    expect(m.bySteps["wf/draft"]).toMatchObject({ steps: 2, stepErrors: 1, securityEvents: 1 });
  });

  it("windows are half-open and rates scale with the window", () => {
    const early = computeMetrics(samples(), { fromMs: 0, toMs: 3000 });
    expect(early.overall).toMatchObject({ calls: 2, runsFailed: 0, steps: 1 }); // 3000 itself is outside;
    const twoHours = computeMetrics(samples(), { fromMs: 0, toMs: 7_200_000 });
    expect(twoHours.overall.costUsdPerHour).toBe(0.015);
    expect(computeMetrics([], hour).overall).toMatchObject({
      errorRate: null,
      successRate: null,
      averageQuality: null,
    });
  });
});

describe("success report", () => {
  it("checks each target with the measured value", () => {
    const report = successReport(computeMetrics(samples(), hour));
    expect(report.checks.map((c) => [c.id, c.status, c.measured, c.samples])).toEqual([
      ["response-time-simple", "pass", 1000, 3],
      ["response-time-complex", "fail", 12000, 1],
      ["success-rate", "fail", 0.5, 2],
      ["quality", "fail", 0.7, 2],
      ["security-events", "pass", 1, 1],
    ]);
    expect(report).toMatchObject({ passed: false, runs: 2, calls: 4, costUsd: 0.03 });
    const text = formatReport(report);
    expect(text).toContain("FAIL  p95 response time, complex steps");
    expect(text).toContain("12.00s");
  });

  it("says no data instead of passing an empty period", () => {
    const report = successReport(computeMetrics([], hour));
    expect(report.checks.map((c) => c.status)).toEqual(["no-data", "no-data", "no-data", "no-data", "pass"]);
    expect(report.passed).toBe(true);
  });
});
