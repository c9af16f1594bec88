/**
 * The success metrics of the product spec, checked against a metrics snapshot: response time < 3 s for
 * simple steps and < 10 s for complex ones (p95 of step attempts), run success rate > 95 %, average gate
 * quality > 0.75, fewer than 10 security events per hour. Each target passes, fails, or has no data:
 * a period with no gate verdicts says so instead of passing.
 */
import type { MetricsSnapshot } from "./metrics.js";

export interface TargetCheck {
  readonly id:
    | "response-time-simple"
    | "response-time-complex"
    | "success-rate"
    | "quality"
    | "security-events";
  readonly description: string;
  /** Human-readable target, e.g. `< 3s`. */
  readonly target: string;
  readonly measured: number | null;
  readonly display: string;
  /** How many samples the measurement rests on. */
  readonly samples: number;
  readonly status: "pass" | "fail" | "no-data";
}

export interface SuccessReport {
  readonly window: MetricsSnapshot["window"];
  readonly checks: readonly TargetCheck[];
  /** Fail when any check fails; no-data checks do not fail a report. */
  readonly passed: boolean;
  readonly costUsd: number;
  readonly runs: number;
  readonly calls: number;
}

const seconds = (ms: number | null) =>
  ms === null ? "no data" : ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(2)}s`;
const percent = (v: number | null) => (v === null ? "no data" : `${(v * 100).toFixed(1)}%`);

function check(
  id: TargetCheck["id"],
  description: string,
  target: string,
  measured: number | null,
  samples: number,
  display: string,
  passes: (value: number) => boolean,
): TargetCheck {
  const status = measured === null || samples === 0 ? "no-data" : passes(measured) ? "pass" : "fail";
  return { id, description, target, measured, display, samples, status };
}

export function successReport(snapshot: MetricsSnapshot): SuccessReport {
  const { simple, complex } = snapshot.byStepClass;
  const o = snapshot.overall;
  const finished = o.runsSucceeded + o.runsFailed;
  const simpleP95 = simple.responseTimeMs?.p95 ?? null;
  const complexP95 = complex.responseTimeMs?.p95 ?? null;
  const checks: TargetCheck[] = [
    check(
      "response-time-simple",
      "p95 response time, simple steps",
      "< 3s",
      simpleP95,
      simple.responseTimeMs?.count ?? 0,
      seconds(simpleP95),
      (v) => v < 3000,
    ),
    check(
      "response-time-complex",
      "p95 response time, complex steps",
      "< 10s",
      complexP95,
      complex.responseTimeMs?.count ?? 0,
      seconds(complexP95),
      (v) => v < 10_000,
    ),
    check(
      "success-rate",
      "runs succeeded (of succeeded + failed)",
      "> 95%",
      o.successRate,
      finished,
      percent(o.successRate),
      (v) => v > 0.95,
    ),
    check(
      "quality",
      "average gate judge score",
      "> 0.75",
      o.averageQuality,
      o.qualityCount,
      o.averageQuality === null ? "no data" : o.averageQuality.toFixed(3),
      (v) => v > 0.75,
    ),
    check(
      "security-events",
      "security events per hour (guard-related failures)",
      "< 10/h",
      o.securityEventsPerHour,
      Number.POSITIVE_INFINITY,
      `${o.securityEventsPerHour.toFixed(2)}/h (${o.securityEvents} in window)`,
      (v) => v < 10,
    ),
  ];
  return {
    window: snapshot.window,
    checks: checks.map((c) =>
      c.samples === Number.POSITIVE_INFINITY ? { ...c, samples: o.securityEvents } : c,
    ),
    passed: checks.every((c) => c.status !== "fail"),
    costUsd: o.costUsd,
    runs: o.runsSucceeded + o.runsFailed + o.runsCancelled,
    calls: o.calls,
  };
}

export function formatReport(report: SuccessReport): string {
  const from = new Date(report.window.fromMs).toISOString();
  const to = new Date(report.window.toMs).toISOString();
  const mark = { pass: "PASS", fail: "FAIL", "no-data": "----" } as const;
  const lines = [
    `Success metrics ${from} → ${to}: ${report.runs} runs, ${report.calls} model calls, $${report.costUsd.toFixed(4)}`,
    ...report.checks.map(
      (c) => `  ${mark[c.status]}  ${c.description.padEnd(52)} ${c.display.padEnd(22)} target ${c.target}`,
    ),
    report.passed ? "All measured targets met." : "Some targets are missed.",
  ];
  return lines.join("\n");
}
