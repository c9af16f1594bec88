/**
 * `quorum explain`: the routing decisions a step's journal holds, each followed by the model calls
 * it led to. Pure: journal entries in, a report (for --json) and text out.
 */
import type { JournalEntry, RouteDecisionEvent } from "../../spec/index.js";

export interface ExplainedCall {
  readonly attempt: number;
  readonly model: string;
  readonly outcome: "ok" | "error" | "in-flight";
  readonly costUsd?: number;
  readonly durationMs?: number;
  readonly error?: string;
  /** A budget sent this call to cheaper models: which ones, and why (`budget-downgrade`). */
  readonly downgrade?: { readonly toModels: readonly string[]; readonly reason: string };
}

export interface ExplainedDecision {
  readonly atMs: number;
  readonly decision: RouteDecisionEvent;
  /** Calls the step made after this decision and before the next one. */
  readonly calls: readonly ExplainedCall[];
}

export interface StepExplanation {
  readonly runId: string;
  readonly stepId: string;
  readonly decisions: readonly ExplainedDecision[];
  /** Calls journaled before any decision (runs from before routing was recorded). */
  readonly undecidedCalls: readonly ExplainedCall[];
}

export function explainStep(
  runId: string,
  stepId: string,
  entries: readonly JournalEntry[],
): StepExplanation {
  const decisions: Array<{ atMs: number; decision: RouteDecisionEvent; calls: ExplainedCall[] }> = [];
  const undecidedCalls: ExplainedCall[] = [];
  const open = new Map<string, { call: ExplainedCall; list: ExplainedCall[]; index: number }>();
  const downgrades = new Map<string, NonNullable<ExplainedCall["downgrade"]>>();
  for (const { atMs, event } of entries) {
    if (!("stepId" in event) || event.stepId !== stepId) continue;
    const list = decisions.at(-1)?.calls ?? undecidedCalls;
    switch (event.type) {
      case "route-decision":
        decisions.push({ atMs, decision: event, calls: [] });
        break;
      case "model-call-start": {
        const call: ExplainedCall = { attempt: event.attempt, model: event.model, outcome: "in-flight" };
        open.set(event.callKey, { call, list, index: list.push(call) - 1 });
        break;
      }
      case "budget-downgrade":
        downgrades.set(event.callKey, { toModels: event.toModels, reason: event.reason });
        break;
      case "model-call-end": {
        const downgrade = downgrades.get(event.callKey);
        const ended: ExplainedCall = {
          attempt: event.attempt,
          model: event.model,
          outcome: event.outcome,
          ...(event.costUsd !== undefined ? { costUsd: event.costUsd } : {}),
          durationMs: event.durationMs,
          ...(event.error ? { error: event.error.message } : {}),
          ...(downgrade ? { downgrade } : {}),
        };
        const started = open.get(event.callKey);
        if (started) started.list[started.index] = ended;
        else list.push(ended);
        open.delete(event.callKey);
        break;
      }
      default:
        break;
    }
  }
  return { runId, stepId, decisions, undecidedCalls };
}

const money = (usd: number | undefined) => (usd === undefined ? "cost unknown" : `$${usd.toFixed(6)}`);

function callLine(call: ExplainedCall): string {
  const timing = call.durationMs !== undefined ? ` · ${call.durationMs} ms` : "";
  const error = call.error ? ` — ${call.error}` : "";
  const downgrade = call.downgrade
    ? `\n      budget downgrade to ${call.downgrade.toModels.join(", ")}: ${call.downgrade.reason}`
    : "";
  return `    → ${call.model} · ${call.outcome} · ${money(call.costUsd)}${timing}${error}${downgrade}`;
}

export function renderExplanation(explanation: StepExplanation): string {
  const { runId, stepId, decisions, undecidedCalls } = explanation;
  if (decisions.length === 0 && undecidedCalls.length === 0)
    return `step '${stepId}' of run ${runId} made no routing decision and no model call (it has not run, or calls no model)`;
  const lines: string[] = [`${runId} · step ${stepId}`];
  for (const { decision: d, calls } of decisions) {
    const hints = [
      d.policy && `policy ${d.policy}`,
      d.taskType && `task ${d.taskType}`,
      d.complexity && `complexity ${d.complexity}`,
    ]
      .filter(Boolean)
      .join(", ");
    lines.push("");
    lines.push(
      `decision ${d.decisionId} (${d.purpose}, round ${d.round}, attempt ${d.attempt}): ${d.source}${hints ? ` — ${hints}` : ""}`,
    );
    if (d.error) lines.push(`  ✖ ${d.error}`);
    lines.push(`  models to try: ${d.models.length > 0 ? d.models.join(" → ") : "(the model layer picks)"}`);
    for (const [i, c] of d.candidates.entries()) {
      lines.push(`  ${String(i + 1).padStart(2)}. ${c.ref}  score ${c.score}`);
      for (const reason of c.reasons) lines.push(`        ${reason}`);
    }
    if (d.rejected.length > 0) {
      lines.push("  left out:");
      for (const r of d.rejected) lines.push(`    ${r.ref}: ${r.reason}`);
    }
    lines.push(calls.length > 0 ? "  calls:" : "  calls: none");
    for (const call of calls) lines.push(callLine(call));
  }
  if (undecidedCalls.length > 0) {
    lines.push("", "calls without a recorded decision:");
    for (const call of undecidedCalls) lines.push(callLine(call));
  }
  return lines.join("\n");
}
