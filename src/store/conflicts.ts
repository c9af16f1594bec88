/**
 * Explains a refused guarded write. Runs only after the fast path affected no row, so the happy path
 * stays one statement; both backends share the decision.
 */
import { StoreConflictError, StoreNotFoundError } from "../errors/index.js";
import type { RunStatus } from "../spec/index.js";
import { isTerminal } from "./rows.js";

export interface RunProbe {
  readonly status: RunStatus;
  readonly next_seq: number;
}

/** Why `appendEvents` at `expectedNextSeq` affected no row. */
export function appendConflict(runId: string, expectedNextSeq: number, probe: RunProbe | undefined): Error {
  if (probe === undefined) return new StoreNotFoundError("run", runId);
  if (isTerminal(probe.status)) {
    return new StoreConflictError("status", runId, "a non-terminal status (the run is sealed)", probe.status);
  }
  return new StoreConflictError("seq", runId, String(expectedNextSeq), String(probe.next_seq));
}

/** Why `updateRunStatus` affected no row. */
export function statusConflict(
  runId: string,
  expected: readonly RunStatus[],
  probe: RunProbe | undefined,
): Error {
  if (probe === undefined) return new StoreNotFoundError("run", runId);
  return new StoreConflictError("status", runId, expected.map((s) => `'${s}'`).join(" or "), probe.status);
}

export function checkSeq(runId: string, expectedNextSeq: number): void {
  if (!Number.isSafeInteger(expectedNextSeq) || expectedNextSeq < 0) {
    throw new TypeError(
      `run '${runId}': expectedNextSeq must be a non-negative integer, got ${expectedNextSeq}`,
    );
  }
}

export function checkLease(workerId: string, leaseMs: number): void {
  if (workerId.length === 0) throw new TypeError("workerId must not be empty");
  if (!Number.isFinite(leaseMs) || leaseMs <= 0)
    throw new TypeError(`leaseMs must be positive, got ${leaseMs}`);
}
