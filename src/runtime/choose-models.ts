/**
 * The journaled routing decision behind `StepContext.chooseModels`. Decided once per (step, round,
 * attempt, call site) and recorded before the step's first model call; on resume or replay the
 * recorded decision is returned instead of routing again, so the run keeps the models it chose even
 * if prices, health or learned quality changed since.
 */
import { RoutingError } from "../errors/index.js";
import type { RouteDecision, RouteDecisionEvent, Step } from "../spec/index.js";
import type { ModelChoice } from "../steps/types.js";
import { recordSecurityEvent } from "./security-events.js";
import type { RunScope } from "./types.js";

export function modelChooser(
  scope: RunScope,
  step: Step,
  attempt: number,
  round: number,
): (choice: ModelChoice) => Promise<readonly string[]> {
  let decisions = 0;
  return async (choice) => {
    const decisionId = `${step.id}.r${round}.a${attempt}.${++decisions}`;
    const recorded = scope.index.routeDecisions.get(decisionId);
    const replayed = recorded ? undefined : scope.deps.recordedDecision?.(decisionId, scope.runId);
    const decision: RouteDecision =
      recorded ?? replayed ?? avoidLast(await decide(scope, step, attempt, round, choice), choice.avoid);
    if (!recorded) {
      const event: RouteDecisionEvent = {
        type: "route-decision",
        decisionId,
        stepId: step.id,
        attempt,
        round,
        purpose: choice.purpose,
        ...decisionFields(decision),
      };
      // Queued in order: it commits before the model-call-start that follows, in the same batch.
      scope.writer.record([event]);
    }
    if (decision.source === "unroutable" && !scope.dryRun) {
      if (choice.sensitive)
        recordSecurityEvent(scope, {
          eventId: `${decisionId}.privacy`,
          kind: "privacy-fail-closed",
          stepId: step.id,
          attempt,
          detail: `step '${step.id}' handles sensitive content and no local model qualifies (${choice.purpose}); nothing was sent to a hosted provider`,
        });
      throw new RoutingError(step.id, decision.error ?? "no model qualifies");
    }
    return decision.models;
  };
}

async function decide(
  scope: RunScope,
  step: Step,
  attempt: number,
  round: number,
  choice: ModelChoice,
): Promise<RouteDecision> {
  const router = scope.deps.router;
  if (router)
    return router({
      runId: scope.runId,
      workflow: scope.workflow,
      step,
      attempt,
      round,
      explicit: choice.explicit,
      purpose: choice.purpose,
      needsJson: choice.needsJson,
      sensitive: choice.sensitive,
      ...(choice.hints ? { hints: choice.hints } : {}),
    });
  const explicit = [...new Set(choice.explicit)];
  return {
    source: explicit.length > 0 ? "explicit" : "unrouted",
    models: explicit,
    candidates: explicit.map((ref, i) => ({
      ref,
      score: explicit.length - i,
      reasons: [`named explicitly, position ${i + 1}`],
    })),
    rejected: [],
  };
}

/** The decision's own fields (a replayed decision is an event: drop its identity, keep the choice). */
function decisionFields(d: RouteDecision): RouteDecision {
  return {
    source: d.source,
    ...(d.policy !== undefined ? { policy: d.policy } : {}),
    ...(d.taskType !== undefined ? { taskType: d.taskType } : {}),
    ...(d.complexity !== undefined ? { complexity: d.complexity } : {}),
    models: d.models,
    candidates: d.candidates,
    rejected: d.rejected,
    ...(d.error !== undefined ? { error: d.error } : {}),
  };
}

/**
 * Routed (not explicitly named) candidates in `avoid` go last, with the reason: a judge still works
 * when the producer is the only model available, but never prefers it.
 */
export function avoidLast(decision: RouteDecision, avoid: readonly string[] | undefined): RouteDecision {
  if (!avoid || avoid.length === 0 || decision.source !== "routed") return decision;
  const avoided = new Set(avoid);
  if (!decision.models.some((m) => avoided.has(m))) return decision;
  return {
    ...decision,
    models: [
      ...decision.models.filter((m) => !avoided.has(m)),
      ...decision.models.filter((m) => avoided.has(m)),
    ],
    candidates: decision.candidates.map((c) =>
      avoided.has(c.ref)
        ? { ...c, reasons: [...c.reasons, "tried last: it wrote the document being judged"] }
        : c,
    ),
  };
}
