/**
 * Row ↔ record mapping shared by both backends. Both return snake_case rows with numbers (the PostgreSQL
 * pool parses BIGINT as a JS number: epoch ms and sizes fit comfortably in 2^53).
 */
import type { JsonValue, RunRecord, RunStatus } from "../spec/index.js";

export interface RunRow {
  readonly id: string;
  readonly workflow_name: string;
  readonly workflow_hash: string;
  readonly definition_hash: string;
  readonly inputs: string;
  readonly priority: number;
  readonly status: string;
  readonly next_seq: number;
  readonly created_at: number;
  readonly updated_at: number;
  readonly lease_owner: string | null;
  readonly lease_expires_at: number | null;
  readonly wake_at: number | null;
}

export const RUN_COLUMNS =
  "id, workflow_name, workflow_hash, definition_hash, inputs, priority, status, next_seq, created_at, updated_at, lease_owner, lease_expires_at, wake_at";

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    workflowName: row.workflow_name,
    workflowHash: row.workflow_hash,
    definitionHash: row.definition_hash,
    inputs: JSON.parse(row.inputs) as JsonValue,
    priority: row.priority,
    status: row.status as RunStatus,
    nextSeq: row.next_seq,
    createdAtMs: row.created_at,
    updatedAtMs: row.updated_at,
    ...(row.lease_owner === null ? {} : { leaseOwner: row.lease_owner }),
    ...(row.lease_expires_at === null ? {} : { leaseExpiresAtMs: row.lease_expires_at }),
    ...(row.wake_at === null ? {} : { wakeAtMs: row.wake_at }),
  };
}

export const TERMINAL_STATUSES: readonly RunStatus[] = ["succeeded", "failed", "cancelled"];
export const RUNNABLE_STATUSES: readonly RunStatus[] = ["pending", "running"];
const ALL_STATUSES: readonly RunStatus[] = [
  "pending",
  "running",
  "waiting",
  "succeeded",
  "failed",
  "cancelled",
];

export const isRunnable = (status: RunStatus | undefined): boolean =>
  status !== undefined && RUNNABLE_STATUSES.includes(status);
export const isTerminal = (status: RunStatus): boolean => TERMINAL_STATUSES.includes(status);

/** Rejects statuses outside the union before they reach SQL (a CHECK would fail less clearly). */
export function checkStatus(status: string): RunStatus {
  if (!ALL_STATUSES.includes(status as RunStatus)) {
    throw new TypeError(`unknown run status '${status}'; expected one of ${ALL_STATUSES.join(", ")}`);
  }
  return status as RunStatus;
}
