/**
 * Alert rules: normalized from `quorum.alerts.yaml`, evaluated as a pure function of samples, the time
 * and the previous state. Only a change of state is a transition, so a breached rule notifies once when it
 * starts firing and once when it resolves, however often it is checked.
 */
import { type AlertMetric, type AlertsFile, type NewAlertEvent, parseDurationMs } from "../spec/index.js";
import { aggregate, inWindow } from "./metrics.js";
import type { Sample, StepClass } from "./types.js";

export interface AlertRule {
  readonly name: string;
  readonly metric: AlertMetric;
  /** `min`: fire when the value is below the threshold; `max`: above. */
  readonly bound: "min" | "max";
  /** Milliseconds for time metrics, USD for cost, a fraction for rates. */
  readonly threshold: number;
  readonly windowMs: number;
  readonly minSamples: number;
  readonly scope: { readonly workflow?: string; readonly model?: string; readonly stepClass?: StepClass };
}

export interface WebhookTarget {
  readonly url: string;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface AlertConfig {
  readonly checkIntervalMs: number;
  readonly rules: readonly AlertRule[];
  readonly webhooks: readonly WebhookTarget[];
}

export const DEFAULT_WINDOW_MS = 3_600_000;
export const DEFAULT_CHECK_INTERVAL_MS = 60_000;

const toNumber = (value: number | string): number =>
  typeof value === "number" ? value : parseDurationMs(value);

export function normalizeAlerts(file: AlertsFile): AlertConfig {
  return {
    checkIntervalMs: file.checkInterval ? parseDurationMs(file.checkInterval) : DEFAULT_CHECK_INTERVAL_MS,
    rules: file.rules.map((r) => ({
      name: r.name,
      metric: r.metric,
      bound: r.min !== undefined ? "min" : "max",
      threshold: toNumber((r.min ?? r.max)!),
      windowMs: r.window ? parseDurationMs(r.window) : DEFAULT_WINDOW_MS,
      minSamples: r.minSamples ?? 1,
      scope: { ...r.scope },
    })),
    webhooks: (file.webhooks ?? []).map((w) => ({
      url: w.url,
      timeoutMs: w.timeout ? parseDurationMs(w.timeout) : 5000,
      retries: w.retries ?? 3,
      headers: { ...w.headers },
    })),
  };
}

export interface RuleResult {
  readonly rule: string;
  /** `no-data`: fewer samples than `minSamples`; the rule keeps its previous state. */
  readonly status: "ok" | "firing" | "no-data";
  readonly value: number | null;
  readonly samples: number;
}

export type AlertStates = Readonly<Record<string, "firing" | "ok">>;

export interface Evaluation {
  readonly results: readonly RuleResult[];
  readonly states: AlertStates;
  readonly transitions: readonly NewAlertEvent[];
}

function inScope(sample: Sample, scope: AlertRule["scope"]): boolean {
  if (scope.workflow !== undefined && sample.workflow !== scope.workflow) return false;
  if (scope.model !== undefined && (sample.type !== "call" || sample.model !== scope.model)) return false;
  if (scope.stepClass !== undefined)
    return (sample.type === "call" || sample.type === "step") && sample.stepClass === scope.stepClass;
  return true;
}

/** The rule's metric over its window ending at `nowMs`, and how many samples it rests on. */
export function measure(rule: AlertRule, samples: readonly Sample[], nowMs: number): RuleResult {
  const scoped = inWindow(samples, { fromMs: nowMs - rule.windowMs, toMs: nowMs + 1 }).filter((s) =>
    inScope(s, rule.scope),
  );
  const a = aggregate(scoped);
  const hours = rule.windowMs / 3_600_000;
  const [value, count]: [number | null, number] = (() => {
    switch (rule.metric) {
      case "success-rate":
        return [a.successRate, a.runsSucceeded + a.runsFailed];
      case "error-rate":
        return [a.errorRate, a.calls];
      case "response-time-p50":
        return [a.responseTimeMs?.p50 ?? null, a.responseTimeMs?.count ?? 0];
      case "response-time-p95":
        return [a.responseTimeMs?.p95 ?? null, a.responseTimeMs?.count ?? 0];
      case "response-time-p99":
        return [a.responseTimeMs?.p99 ?? null, a.responseTimeMs?.count ?? 0];
      case "call-latency-p95":
        return [a.callLatencyMs?.p95 ?? null, a.callLatencyMs?.count ?? 0];
      case "quality":
        return [a.averageQuality, a.qualityCount];
      // Counts per hour: zero events is a measurement, so these always have data.
      case "security-events-per-hour":
        return [a.securityEvents / hours, Number.POSITIVE_INFINITY];
      case "cost-per-hour":
        return [a.costUsd / hours, Number.POSITIVE_INFINITY];
    }
  })();
  const samplesCount = Number.isFinite(count) ? count : scoped.length;
  if (value === null || count < rule.minSamples)
    return { rule: rule.name, status: "no-data", value, samples: samplesCount };
  const breached = rule.bound === "min" ? value < rule.threshold : value > rule.threshold;
  return { rule: rule.name, status: breached ? "firing" : "ok", value, samples: samplesCount };
}

export function evaluateRules(
  rules: readonly AlertRule[],
  samples: readonly Sample[],
  nowMs: number,
  previous: AlertStates,
): Evaluation {
  const results = rules.map((rule) => measure(rule, samples, nowMs));
  const states: Record<string, "firing" | "ok"> = {};
  const transitions: NewAlertEvent[] = [];
  for (const [index, rule] of rules.entries()) {
    const result = results[index]!;
    const before = previous[rule.name] ?? "ok";
    const after = result.status === "no-data" ? before : result.status;
    states[rule.name] = after;
    if (after === before) continue;
    transitions.push({
      rule: rule.name,
      state: after === "firing" ? "firing" : "resolved",
      atMs: nowMs,
      metric: rule.metric,
      value: result.value,
      threshold: rule.threshold,
      windowMs: rule.windowMs,
      message: describeResult(rule, result.value, after === "firing"),
    });
  }
  return { results, states, transitions };
}

/** The states a monitor resumes with: the last recorded transition of each rule. */
export function statesFromHistory(history: readonly NewAlertEvent[]): AlertStates {
  const states: Record<string, "firing" | "ok"> = {};
  for (const e of history) states[e.rule] = e.state === "firing" ? "firing" : "ok";
  return states;
}

export function formatMetricValue(metric: AlertMetric, value: number | null): string {
  if (value === null) return "no data";
  if (metric.startsWith("response-time") || metric === "call-latency-p95")
    return value >= 1000 ? `${(value / 1000).toFixed(2)}s` : `${Math.round(value)}ms`;
  if (metric === "success-rate" || metric === "error-rate") return `${(value * 100).toFixed(1)}%`;
  if (metric === "cost-per-hour") return `$${value.toFixed(4)}/h`;
  if (metric === "security-events-per-hour") return `${value.toFixed(2)}/h`;
  return value.toFixed(3);
}

function describeResult(rule: AlertRule, value: number | null, firing: boolean): string {
  const limit = `${rule.bound} ${formatMetricValue(rule.metric, rule.threshold)}`;
  const window = `over the last ${Math.round(rule.windowMs / 60_000)} min`;
  return `${firing ? "FIRING" : "resolved"}: ${rule.name}: ${rule.metric} is ${formatMetricValue(rule.metric, value)} (${limit}) ${window}`;
}
