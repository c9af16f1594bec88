/**
 * decide(state) -> commands: what should happen next, given only the journal-derived state.
 * Pure and deterministic (no clock, no randomness, no I/O): the runtime executes the commands and
 * feeds their results back as events. A step starts the moment its own dependencies are done, never
 * level by level.
 */
import type { EngineGraph } from "./graph.js";
import type { EngineState, StepState } from "./state.js";

export type Command =
  | { type: "start-step"; stepId: string; attempt: number; round: number; notBeforeMs?: number }
  | { type: "resume-step"; stepId: string; attempt: number; round: number }
  | { type: "skip-step"; stepId: string; reason: string }
  | { type: "finish-run"; status: "succeeded" | "failed"; reason?: string };

const done = (s: StepState | undefined) => s?.status === "succeeded" || s?.status === "skipped";

/**
 * `maxStarts` caps the start and resume commands returned (retries still waiting for their time are not
 * counted): a driver with 50 free slots and 1,000 ready steps asks for 50, so deciding stays O(steps)
 * instead of building 1,000 commands on every completion.
 */
export function decide(
  state: EngineState,
  graph: EngineGraph,
  maxStarts = Number.POSITIVE_INFINITY,
): Command[] {
  if (state.runStatus !== "running") return [];
  const commands: Command[] = [];
  const counts = state.statusCounts;
  if (counts.failed > 0) {
    // Fail fast, but only once nothing is in flight, so every started call is journaled first.
    if (counts.running + counts.waiting === 0) {
      const failed = graph.order.map((id) => state.steps.get(id)!).find((s) => s.status === "failed")!;
      commands.push({
        type: "finish-run",
        status: "failed",
        reason: `step '${failed.id}' failed: ${failed.failure?.message ?? "unknown error"}`,
      });
    }
    return commands;
  }
  if (counts.succeeded + counts.skipped === state.steps.size)
    return [{ type: "finish-run", status: "succeeded" }];
  let starts = 0;
  // Most urgent first (the plan's latest start): under a limit the critical path gets the slots.
  for (let i = state.pendingFrom; i < graph.schedule.length && starts < maxStarts; i++) {
    const id = graph.schedule[i]!;
    const step = state.steps.get(id)!;
    if (step.status !== "pending") continue;
    const arbiterId = graph.routed.get(id);
    if (arbiterId !== undefined && !step.activated) {
      // A routed step runs only when its arbiter chooses it; once the arbiter is over, never.
      if (done(state.steps.get(arbiterId)))
        commands.push({ type: "skip-step", stepId: id, reason: `arbiter '${arbiterId}' never chose it` });
      continue;
    }
    if (!allDone(state, graph, step.awaitingRoutes, undefined)) continue;
    const deps = graph.dependencies.get(id);
    if (deps !== undefined && !allDone(state, graph, deps, arbiterId)) continue;
    // A routed step's output is optional by design: its consumers run without it.
    const missing = graph.conditional.has(id)
      ? undefined
      : (graph.inputProducers.get(id) ?? []).find(
          (p) => state.steps.get(p)?.status === "skipped" && !graph.routed.has(p),
        );
    if (missing) {
      commands.push({
        type: "skip-step",
        stepId: id,
        reason: `its input from '${missing}' was not produced (skipped)`,
      });
      continue;
    }
    if (step.retryAtMs === undefined || step.awaitingResume) starts++;
    if (step.awaitingResume)
      commands.push({ type: "resume-step", stepId: id, attempt: step.attempt, round: step.round });
    else
      commands.push({
        type: "start-step",
        stepId: id,
        attempt: step.attempt + 1,
        round: step.round,
        ...(step.retryAtMs !== undefined ? { notBeforeMs: step.retryAtMs } : {}),
      });
  }
  return commands;
}

/**
 * Every step of `ids` done (or exempt, for a routed step of `arbiterId`). A loop, not `every` with a
 * closure: `decide` checks each pending step on every turn, and a long chain has many pending steps.
 */
function allDone(
  state: EngineState,
  graph: EngineGraph,
  ids: readonly string[],
  arbiterId: string | undefined,
): boolean {
  for (const id of ids)
    if (!done(state.steps.get(id)) && !routeExempt(state, graph, arbiterId, id)) return false;
  return true;
}

/**
 * An activated routed step does not wait for its own arbiter (which is between decisions, not
 * done) nor for routed steps no decision has activated (their reports are simply absent).
 */
function routeExempt(
  state: EngineState,
  graph: EngineGraph,
  arbiterId: string | undefined,
  dependency: string,
): boolean {
  if (arbiterId === undefined) return false;
  if (dependency === arbiterId) return true;
  return graph.routed.has(dependency) && state.steps.get(dependency)?.activated !== true;
}

/** Steps that were running when the journal ends: in flight at a crash, to be re-executed as is. */
export function inFlightSteps(state: EngineState): StepState[] {
  return [...state.steps.values()].filter((s) => s.status === "running");
}
