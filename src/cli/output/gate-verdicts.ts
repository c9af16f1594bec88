/**
 * `quorum status`: each gate's latest verdict, read from the journal as data (the verdict fields of
 * `remediation` / `step-error` and the gate's `step-end` output; older journals through the gate's
 * own text), so a person sees the score that decided the round without opening the report.
 */
import { type GateVerdictView, gateVerdictOf } from "../../monitor/index.js";
import type { JournalEntry, Workflow } from "../../spec/index.js";

/** The latest verdict per gate step id. */
export function latestGateVerdicts(
  workflow: Pick<Workflow, "steps">,
  entries: readonly JournalEntry[],
): Map<string, GateVerdictView> {
  const gates = new Set(workflow.steps.filter((s) => s.kind === "gate").map((s) => s.id));
  const latest = new Map<string, GateVerdictView>();
  for (const { event } of entries) {
    if (!("stepId" in event) || !gates.has(event.stepId)) continue;
    const verdict = gateVerdictOf(event, true);
    if (verdict) latest.set(verdict.stepId, verdict);
  }
  return latest;
}

/** ` — passed, score 0.9 (threshold 0.75), round 2` for a status line. */
export function formatGateVerdict(verdict: GateVerdictView): string {
  const score =
    verdict.score === undefined
      ? ""
      : `, score ${verdict.score}${verdict.threshold === undefined ? "" : ` (threshold ${verdict.threshold})`}`;
  const round = verdict.round === undefined ? "" : `, round ${verdict.round}`;
  return ` — gate ${verdict.passed ? "passed" : "failed"}${score}${round}`;
}
