/**
 * Requests to a person that answer themselves: an approval with `timeout:` + `onTimeout:` journals
 * its `expiresAtMs` and the response to give then. The driver records that response (by `timeout`)
 * when it finds the time passed, and a run going `waiting` wakes at the earliest such time, so a worker
 * claims it then — the same durable-timer rule as a run deadline.
 */
import type { EngineState } from "../engine/index.js";
import type { HumanInputRequestEvent, HumanInputResponseEvent } from "../spec/index.js";
import type { RunIndex } from "./run-index.js";

/** Requests still open in the engine state that carry an expiry. */
function expiring(index: RunIndex, state: EngineState): HumanInputRequestEvent[] {
  return [...index.requests.values()].filter(
    (r) =>
      r.expiresAtMs !== undefined &&
      !index.responses.has(r.requestId) &&
      state.steps.get(r.stepId)?.openRequests.has(r.requestId) === true,
  );
}

/** The responses to record now for requests whose time has passed. */
export function dueExpiries(index: RunIndex, state: EngineState, nowMs: number): HumanInputResponseEvent[] {
  return expiring(index, state)
    .filter((r) => r.expiresAtMs! <= nowMs)
    .map((r) => ({
      type: "human-input-response",
      requestId: r.requestId,
      response: r.onExpiry ?? null,
      respondedBy: "timeout",
    }));
}

/** When the earliest open request expires, if any does. */
export function nextExpiryMs(index: RunIndex, state: EngineState): number | undefined {
  const times = expiring(index, state).map((r) => r.expiresAtMs!);
  return times.length > 0 ? Math.min(...times) : undefined;
}
