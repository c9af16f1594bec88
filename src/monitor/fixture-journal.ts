/**
 * A small recorded-shape journal for the monitor's unit tests: two runs of one workflow with every kind
 * of sample (ok and failed calls, a complex step, a gate that remediates then passes, a privacy failure).
 * The expected numbers are worked out by hand in metrics.test.ts.
 */
import type { JournalEntry, RunEvent } from "../spec/index.js";
import type { RunInfo } from "./types.js";

export const fixtureInfo = (runId: string): RunInfo => ({
  runId,
  workflow: "wf",
  steps: {
    draft: { kind: "model", stepClass: "simple" },
    fan: { kind: "map", stepClass: "complex" },
    review: { kind: "gate", stepClass: "simple" },
  },
});

const call = (
  stepId: string,
  model: string,
  ok: boolean,
  durationMs: number,
  costUsd: number,
  usage?: [number, number],
): RunEvent => ({
  type: "model-call-end",
  stepId,
  attempt: 1,
  callKey: `${stepId}-${durationMs}`,
  model,
  outcome: ok ? "ok" : "error",
  durationMs,
  costUsd,
  ...(usage ? { usage: { inputTokens: usage[0], outputTokens: usage[1] } } : {}),
  ...(ok ? {} : { error: { name: "ModelCallError", message: "HTTP 503" } }),
});

const entries = (list: Array<[number, RunEvent]>): JournalEntry[] =>
  list.map(([atMs, event], seq) => ({ seq, atMs, event }));

/** Run r1 succeeds: draft 1000 ms, fan 12000 ms (complex), review remediates (0.5) then passes (0.9). */
export const journalR1 = entries([
  [1000, { type: "run-start", workflowName: "wf", workflowHash: "h" }],
  [1000, { type: "step-start", stepId: "draft", attempt: 1 }],
  [1500, call("draft", "a/x", true, 400, 0.01, [100, 50])],
  [2000, { type: "step-end", stepId: "draft", attempt: 1 }],
  [2000, { type: "step-start", stepId: "fan", attempt: 1 }],
  [3000, call("fan", "b/y", false, 900, 0)],
  [4000, call("fan", "b/y", true, 1000, 0.02, [200, 80])],
  [14000, { type: "step-end", stepId: "fan", attempt: 1 }],
  [14000, { type: "step-start", stepId: "review", attempt: 1 }],
  [
    15000,
    {
      type: "remediation",
      stepId: "review",
      round: 1,
      targets: ["draft"],
      feedback: ["Gate 'review' failed in round 1; score 0.5 (threshold 0.8); findings:\n- too short"],
    },
  ],
  [16000, { type: "step-start", stepId: "review", attempt: 1 }],
  [17000, { type: "step-end", stepId: "review", attempt: 1, output: { passed: true, score: 0.9 } }],
  [18000, { type: "run-end", status: "succeeded" }],
]);

/** Run r2 fails: its only call fails and the step fails closed on sensitive content (a security sample). */
export const journalR2 = entries([
  [2000, { type: "run-start", workflowName: "wf", workflowHash: "h" }],
  [2000, { type: "step-start", stepId: "draft", attempt: 1 }],
  [2500, call("draft", "a/x", false, 300, 0)],
  [
    3000,
    {
      type: "step-error",
      stepId: "draft",
      attempt: 1,
      willRetry: false,
      error: {
        name: "ModelCallError",
        message:
          "no model could take the call: skipped: the request is sensitive and this provider is not local",
      },
    },
  ],
  [3000, { type: "run-end", status: "failed" }],
]);
