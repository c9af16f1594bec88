/** Monitoring: journals -> samples -> windowed metrics, success targets, alert rules and webhooks. */
export { classifyStep, describeSteps } from "./classify.js";
export { type MetricsExport, metricsExport } from "./export.js";
export { failedGateScore, type GateVerdictView, gateVerdictOf } from "./gate-verdicts.js";
export { loadAlertStates } from "./history.js";
export { type Aggregate, aggregate, computeMetrics, inWindow, type MetricsSnapshot } from "./metrics.js";
export { formatReport, type SuccessReport, successReport, type TargetCheck } from "./report.js";
export {
  type AlertConfig,
  type AlertRule,
  type AlertStates,
  DEFAULT_CHECK_INTERVAL_MS,
  DEFAULT_WINDOW_MS,
  type Evaluation,
  evaluateRules,
  formatMetricValue,
  measure,
  normalizeAlerts,
  type RuleResult,
  statesFromHistory,
  type WebhookTarget,
} from "./rules.js";
export { type Extracted, extractSamples, type OpenAttempts, securityReason } from "./samples.js";
export { nearestRank, type Percentiles, percentiles } from "./stats.js";
export { type DescribeRun, JournalTail, type PollStats, SampleBuffer } from "./tail.js";
export type * from "./types.js";
export {
  type AlertPayload,
  type DeliveryResult,
  displayUrl,
  type NotifierOptions,
  WebhookNotifier,
} from "./webhook.js";
