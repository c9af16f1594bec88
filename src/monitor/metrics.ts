/**
 * Aggregates over samples in a window: the same `Aggregate` for the whole window and for every slice
 * (per model, per step class, per workflow, per step), so every view of the numbers agrees.
 */
import { mean, type Percentiles, percentiles, rate, round } from "./stats.js";
import type { Sample, StepClass, TimeWindow } from "./types.js";

export interface Aggregate {
  /** Model calls that ended, and how many of them failed. */
  readonly calls: number;
  readonly callErrors: number;
  /** `callErrors / calls`. */
  readonly errorRate: number | null;
  /** Model call durations. */
  readonly callLatencyMs: Percentiles | null;
  /** Step attempts that ended, and how many failed. */
  readonly steps: number;
  readonly stepErrors: number;
  /** Step attempt durations (start to end), approval steps excluded: a person's time is not response time. */
  readonly responseTimeMs: Percentiles | null;
  /** Judge scores of gate verdicts. */
  readonly qualityCount: number;
  readonly averageQuality: number | null;
  /** Terminal runs; `successRate` is succeeded / (succeeded + failed), cancelled runs not counted. */
  readonly runsSucceeded: number;
  readonly runsFailed: number;
  readonly runsCancelled: number;
  readonly successRate: number | null;
  readonly securityEvents: number;
  readonly costUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface MetricsSnapshot {
  readonly window: TimeWindow;
  readonly overall: Aggregate & { readonly costUsdPerHour: number; readonly securityEventsPerHour: number };
  readonly byModel: Readonly<Record<string, Aggregate>>;
  readonly byStepClass: Readonly<Record<StepClass, Aggregate>>;
  readonly byWorkflow: Readonly<Record<string, Aggregate>>;
  /** Keyed `workflow/stepId`. */
  readonly bySteps: Readonly<
    Record<string, Aggregate & { readonly kind: string; readonly stepClass: StepClass }>
  >;
}

export function inWindow(samples: readonly Sample[], window: TimeWindow): Sample[] {
  return samples.filter((s) => s.atMs >= window.fromMs && s.atMs < window.toMs);
}

export function aggregate(samples: readonly Sample[]): Aggregate {
  let calls = 0;
  let callErrors = 0;
  let steps = 0;
  let stepErrors = 0;
  let costUsd = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let securityEvents = 0;
  const runs = { succeeded: 0, failed: 0, cancelled: 0 };
  const callDurations: number[] = [];
  const stepDurations: number[] = [];
  const scores: number[] = [];
  for (const s of samples) {
    switch (s.type) {
      case "call":
        calls++;
        if (!s.ok) callErrors++;
        callDurations.push(s.durationMs);
        costUsd += s.costUsd;
        inputTokens += s.inputTokens;
        outputTokens += s.outputTokens;
        break;
      case "step":
        steps++;
        if (!s.ok) stepErrors++;
        if (s.durationMs !== undefined && s.kind !== "approval") stepDurations.push(s.durationMs);
        break;
      case "quality":
        scores.push(s.score);
        break;
      case "security":
        securityEvents++;
        break;
      case "run":
        runs[s.status]++;
        break;
    }
  }
  const averageQuality = mean(scores);
  return {
    calls,
    callErrors,
    errorRate: rate(callErrors, calls),
    callLatencyMs: percentiles(callDurations),
    steps,
    stepErrors,
    responseTimeMs: percentiles(stepDurations),
    qualityCount: scores.length,
    averageQuality: averageQuality === null ? null : round(averageQuality),
    runsSucceeded: runs.succeeded,
    runsFailed: runs.failed,
    runsCancelled: runs.cancelled,
    successRate: rate(runs.succeeded, runs.succeeded + runs.failed),
    securityEvents,
    costUsd: round(costUsd),
    inputTokens,
    outputTokens,
  };
}

function groupBy(samples: readonly Sample[], key: (s: Sample) => string | undefined): Map<string, Sample[]> {
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const k = key(s);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(s);
    else groups.set(k, [s]);
  }
  return groups;
}

const sorted = <T>(groups: Map<string, T>): Record<string, T> =>
  Object.fromEntries([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const mapValues = <A, B>(groups: Map<string, A>, f: (a: A, key: string) => B): Map<string, B> =>
  new Map([...groups].map(([k, v]) => [k, f(v, k)]));

/** Every aggregate of the samples inside `window`. */
export function computeMetrics(all: readonly Sample[], window: TimeWindow): MetricsSnapshot {
  const samples = inWindow(all, window);
  const hours = Math.max(window.toMs - window.fromMs, 1) / 3_600_000;
  const overall = aggregate(samples);
  const stepOf = (s: Sample) => ("stepId" in s ? `${s.workflow}/${s.stepId}` : undefined);
  const stepMeta = new Map<string, { kind: string; stepClass: StepClass }>();
  for (const s of samples)
    if (s.type === "step")
      stepMeta.set(`${s.workflow}/${s.stepId}`, { kind: s.kind, stepClass: s.stepClass });
  const classOf = (s: Sample): StepClass | undefined =>
    s.type === "call" || s.type === "step" ? s.stepClass : undefined;
  const classes = groupBy(samples, classOf);
  return {
    window,
    overall: {
      ...overall,
      costUsdPerHour: round(overall.costUsd / hours),
      securityEventsPerHour: round(overall.securityEvents / hours),
    },
    byModel: sorted(
      mapValues(
        groupBy(samples, (s) => (s.type === "call" ? s.model : undefined)),
        aggregate,
      ),
    ),
    byStepClass: {
      simple: aggregate(classes.get("simple") ?? []),
      complex: aggregate(classes.get("complex") ?? []),
    },
    byWorkflow: sorted(
      mapValues(
        groupBy(samples, (s) => s.workflow),
        aggregate,
      ),
    ),
    bySteps: sorted(
      mapValues(groupBy(samples, stepOf), (group, key) => ({
        ...aggregate(group),
        ...(stepMeta.get(key) ?? { kind: "unknown", stepClass: "simple" as const }),
      })),
    ),
  };
}
