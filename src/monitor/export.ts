/**
 * `quorum metrics export`: one self-describing JSON document (format `quorum-metrics`, version 1) with every
 * aggregate of a window, for dashboards and spreadsheets. docs/monitoring.md documents each field; the
 * version changes when a field changes meaning.
 */
import type { MetricsSnapshot } from "./metrics.js";
import { type SuccessReport, successReport } from "./report.js";

export interface MetricsExport {
  readonly format: "quorum-metrics";
  readonly version: 1;
  readonly generatedAt: string;
  readonly window: {
    readonly from: string;
    readonly to: string;
    readonly fromMs: number;
    readonly toMs: number;
  };
  readonly overall: MetricsSnapshot["overall"];
  readonly byModel: MetricsSnapshot["byModel"];
  readonly byStepClass: MetricsSnapshot["byStepClass"];
  readonly byWorkflow: MetricsSnapshot["byWorkflow"];
  readonly bySteps: MetricsSnapshot["bySteps"];
  readonly successMetrics: SuccessReport["checks"];
}

export function metricsExport(snapshot: MetricsSnapshot, generatedAtMs: number): MetricsExport {
  const { fromMs, toMs } = snapshot.window;
  return {
    format: "quorum-metrics",
    version: 1,
    generatedAt: new Date(generatedAtMs).toISOString(),
    window: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), fromMs, toMs },
    overall: snapshot.overall,
    byModel: snapshot.byModel,
    byStepClass: snapshot.byStepClass,
    byWorkflow: snapshot.byWorkflow,
    bySteps: snapshot.bySteps,
    successMetrics: successReport(snapshot).checks,
  };
}
