/**
 * `quorum.alerts.yaml`: alert rules over the monitoring metrics and where to send their transitions.
 * A separate file from `quorum.config.yaml` because operators change thresholds and webhooks on their own
 * schedule, and a broken alert file must never stop a workflow from running.
 */
import { z } from "zod";
import { Duration } from "./workflow-file.js";

/** Metrics a rule can watch; docs/monitoring.md defines each one. */
export const AlertMetric = z.enum([
  "success-rate",
  "error-rate",
  "response-time-p50",
  "response-time-p95",
  "response-time-p99",
  "call-latency-p95",
  "quality",
  "security-events-per-hour",
  "cost-per-hour",
]);
export type AlertMetric = z.infer<typeof AlertMetric>;

/** Metrics whose thresholds are durations (`30s`), not plain numbers. */
export const timeMetrics: readonly AlertMetric[] = [
  "response-time-p50",
  "response-time-p95",
  "response-time-p99",
  "call-latency-p95",
];

const Threshold = z.union([z.number(), Duration]);

export const AlertRuleFile = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9-]*$/, "lower-case words joined by '-'"),
    metric: AlertMetric,
    min: Threshold.optional().describe("Fire when the value is below this."),
    max: Threshold.optional().describe("Fire when the value is above this."),
    window: Duration.optional().describe("How far back the metric looks; default 1h."),
    minSamples: z.number().int().nonnegative().optional().describe("Stay quiet below this many samples."),
    scope: z
      .strictObject({
        workflow: z.string().optional(),
        model: z.string().optional(),
        stepClass: z.enum(["simple", "complex"]).optional(),
      })
      .optional(),
  })
  .superRefine((rule, ctx) => {
    if ((rule.min === undefined) === (rule.max === undefined))
      ctx.addIssue({ code: "custom", path: ["min"], message: "a rule needs exactly one of min or max" });
    const isTime = timeMetrics.includes(rule.metric);
    for (const key of ["min", "max"] as const) {
      const value = rule[key];
      if (value === undefined) continue;
      if (isTime && typeof value !== "string")
        ctx.addIssue({
          code: "custom",
          path: [key],
          message: `${rule.metric} is a time: write the threshold as a duration such as 3s or 500ms`,
        });
      if (!isTime && typeof value !== "number")
        ctx.addIssue({ code: "custom", path: [key], message: `${rule.metric} takes a number threshold` });
    }
  });
export type AlertRuleFile = z.infer<typeof AlertRuleFile>;

export const WebhookFile = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  timeout: Duration.optional().describe("Per attempt; default 5s."),
  retries: z.number().int().min(0).max(10).optional().describe("Extra attempts after a failure; default 3."),
  headers: z.record(z.string(), z.string()).optional(),
});

export const AlertsFile = z.strictObject({
  alerts: z.literal(1),
  checkInterval: Duration.optional().describe("How often `quorum monitor watch` evaluates; default 60s."),
  webhooks: z.array(WebhookFile).optional(),
  rules: z.array(AlertRuleFile),
});
export type AlertsFile = z.infer<typeof AlertsFile>;
