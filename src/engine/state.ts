/**
 * The engine's view of a run, folded from its journal. `apply` is the only way it changes, so the
 * same events always give the same state: that is what makes replay and crash recovery exact.
 * The state is mutated in place for speed (no per-step copies of the whole run); it never escapes
 * the runtime that owns it.
 */
import type { ArbiterDecisionEvent, RunEvent } from "../spec/index.js";
import type { EngineGraph } from "./graph.js";

export type StepStatus = "pending" | "running" | "waiting" | "succeeded" | "failed" | "skipped";

export interface StepState {
  readonly id: string;
  status: StepStatus;
  /** Attempts started in the current round. */
  attempt: number;
  /** Remediation round, from 1; a gate failure sends its targets to the next round. */
  round: number;
  /** A retry may not start before this time (journaled by the runtime with the error). */
  retryAtMs?: number;
  /** Findings and comments the next round's prompt receives. */
  feedback: string[];
  /** Human-input requests of this step still unanswered. */
  openRequests: Set<string>;
  /** Answers received, by request id, in arrival order. */
  answers: string[];
  /** Answered while waiting: runs again with the same attempt and finds the answer in its journal. */
  awaitingResume: boolean;
  failure?: { name: string; message: string };
  skipReason?: string;
  /** A routed step (arbiter mode) that a decision of its arbiter has activated at least once. */
  activated: boolean;
  /** An arbiter between decisions: the steps of its last route, which run before it decides again. */
  awaitingRoutes: readonly string[];
}

export interface EngineState {
  runStatus: "running" | "succeeded" | "failed" | "cancelled";
  steps: Map<string, StepState>;
  /** Latest version of each document. */
  documentVersions: Map<string, number>;
  /** Remediation rounds used per gate or approval step. */
  remediationRounds: Map<string, number>;
  /** Every arbiter decision so far, in journal order (the context of the next decision). */
  decisions: ArbiterDecisionEvent[];
  /** Number of events applied: the journal's next seq. */
  eventCount: number;
  /** Steps per status, kept by `setStatus` so deciding does not count every step on every turn. */
  statusCounts: Record<StepStatus, number>;
  /** Index in `graph.schedule` below which no step is pending: where `decide` starts looking. */
  pendingFrom: number;
}

/** The only way a step's status changes, so the counts and the pending mark stay exact. */
function setStatus(state: EngineState, step: StepState, status: StepStatus, graph: EngineGraph): void {
  if (step.status === status) return;
  state.statusCounts[step.status]--;
  state.statusCounts[status]++;
  step.status = status;
  if (status === "pending")
    state.pendingFrom = Math.min(state.pendingFrom, graph.scheduleIndex.get(step.id) ?? 0);
  else
    while (
      state.pendingFrom < graph.schedule.length &&
      state.steps.get(graph.schedule[state.pendingFrom]!)?.status !== "pending"
    )
      state.pendingFrom++;
}

export function initialState(graph: EngineGraph): EngineState {
  const steps = new Map<string, StepState>();
  for (const id of graph.order)
    steps.set(id, {
      id,
      status: "pending",
      attempt: 0,
      round: 1,
      feedback: [],
      openRequests: new Set(),
      answers: [],
      awaitingResume: false,
      activated: false,
      awaitingRoutes: [],
    });
  return {
    runStatus: "running",
    steps,
    documentVersions: new Map(),
    remediationRounds: new Map(),
    decisions: [],
    eventCount: 0,
    statusCounts: { pending: steps.size, running: 0, waiting: 0, succeeded: 0, failed: 0, skipped: 0 },
    pendingFrom: 0,
  };
}

/** How a step's wait on a child run sits among its open requests (never a human request id). */
const childWaitPrefix = "child:";
export const childWaitKey = (childRunId: string) => `${childWaitPrefix}${childRunId}`;

/** Fold one event into the state. Unknown step ids are ignored (the journal is the truth, not us). */
export function apply(state: EngineState, event: RunEvent, graph: EngineGraph): void {
  state.eventCount++;
  const step = "stepId" in event ? state.steps.get(event.stepId) : undefined;
  switch (event.type) {
    case "run-start":
    case "model-call-start":
    case "model-call-batch-start":
    case "model-call-end":
    case "tool-call-start":
    case "tool-call-end":
      return;
    case "step-start":
      if (!step) return;
      setStatus(state, step, "running", graph);
      step.attempt = event.attempt;
      step.retryAtMs = undefined;
      step.awaitingResume = false;
      return;
    case "step-end":
      if (step) setStatus(state, step, "succeeded", graph);
      return;
    case "step-error":
      if (!step) return;
      step.awaitingResume = false;
      if (event.willRetry) {
        setStatus(state, step, "pending", graph);
        step.retryAtMs = event.retryAtMs;
      } else {
        setStatus(state, step, "failed", graph);
        step.failure = { name: event.error.name, message: event.error.message };
      }
      return;
    case "step-skip":
      if (!step) return;
      setStatus(state, step, "skipped", graph);
      step.skipReason = event.reason;
      return;
    case "human-input-request":
      if (!step) return;
      setStatus(state, step, "waiting", graph);
      step.openRequests.add(event.requestId);
      return;
    case "human-input-response":
      // A person answers requests, never a step's wait on its child run (lifted by `child-run-resume`).
      if (event.requestId.startsWith(childWaitPrefix)) return;
      for (const s of state.steps.values())
        if (s.openRequests.delete(event.requestId)) {
          s.answers.push(event.requestId);
          // The step runs again and finds the answer in its journal.
          if (s.status === "waiting" && s.openRequests.size === 0) {
            setStatus(state, s, "pending", graph);
            s.awaitingResume = true;
          }
        }
      return;
    case "document-version":
      state.documentVersions.set(event.documentId, event.version);
      return;
    case "remediation":
      applyRemediation(state, event.stepId, event.targets, event.feedback, graph);
      return;
    case "run-end":
      state.runStatus = event.status;
      return;
    case "route-decision":
    case "budget-downgrade":
    case "security-event": // a record for people and the monitor; the block itself failed the step
      return;
    case "arbiter-decision":
      if (step) applyDecision(state, step, event, graph);
      return;
    case "child-run-wait":
      if (!step) return;
      setStatus(state, step, "waiting", graph);
      step.openRequests.add(childWaitKey(event.childRunId));
      return;
    case "child-run-resume":
      // Only a wait still open lifts the step: a late or second resume changes nothing.
      if (!step?.openRequests.delete(childWaitKey(event.childRunId))) return;
      if (step.status === "waiting" && step.openRequests.size === 0) {
        setStatus(state, step, "pending", graph);
        step.awaitingResume = true;
      }
      return;
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown event ${JSON.stringify(exhaustive)}`);
    }
  }
}

/**
 * An arbiter decided: the route's steps become runnable (again, in a new round, when an earlier
 * decision already ran them), and the arbiter waits for them before it decides again. A route
 * without steps ends the arbiter: its `step-end` follows in the same append.
 */
function applyDecision(
  state: EngineState,
  arbiter: StepState,
  event: ArbiterDecisionEvent,
  graph: EngineGraph,
): void {
  state.decisions.push(event);
  for (const id of event.steps) {
    const s = state.steps.get(id);
    if (!s || s === arbiter) continue;
    if (s.activated) resetForRound(state, s, [], graph);
    s.activated = true;
  }
  if (event.steps.length === 0) return;
  resetForRound(state, arbiter, arbiter.feedback, graph);
  // Never wait for itself or for a step this workflow does not have: that would never end.
  arbiter.awaitingRoutes = event.steps.filter((id) => id !== arbiter.id && state.steps.has(id));
}

function resetForRound(
  state: EngineState,
  s: StepState,
  feedback: readonly string[],
  graph: EngineGraph,
): void {
  setStatus(state, s, "pending", graph);
  s.round++;
  s.attempt = 0;
  s.retryAtMs = undefined;
  s.failure = undefined;
  s.skipReason = undefined;
  s.openRequests.clear();
  s.awaitingResume = false;
  s.awaitingRoutes = [];
  s.feedback = [...feedback];
}

/** Send `targets` and everything downstream of them (including the requester) to a new round. */
function applyRemediation(
  state: EngineState,
  requester: string,
  targets: readonly string[],
  feedback: readonly string[],
  graph: EngineGraph,
): void {
  state.remediationRounds.set(requester, (state.remediationRounds.get(requester) ?? 0) + 1);
  const reset = new Set<string>();
  const stack = [...targets];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (reset.has(id)) continue;
    reset.add(id);
    stack.push(...(graph.dependents.get(id) ?? []));
  }
  reset.add(requester);
  for (const id of reset) {
    const s = state.steps.get(id);
    if (s) resetForRound(state, s, targets.includes(id) ? feedback : [], graph);
    // A routed step sent back together with its arbiter waits for the arbiter's next decision.
    const arbiterId = graph.routed.get(id);
    if (s && arbiterId !== undefined && reset.has(arbiterId)) s.activated = false;
  }
}
