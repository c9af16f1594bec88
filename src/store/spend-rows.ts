/**
 * What both stores share for the spend ledger: the row shape, the sums query and the pure check of a
 * reservation against its limits, so SQLite and PostgreSQL decide identically.
 */
import type { BudgetScope, ReserveResult, SpendRecord, SpendReservation } from "../spec/index.js";

export interface SpendRow {
  id: string;
  run_id: string;
  workflow_name: string;
  step_id: string;
  model: string;
  day: string;
  status: "reserved" | "settled";
  estimate_micro_usd: number | string;
  cost_micro_usd: number | string;
  outcome: "ok" | "error" | "cancelled" | "expired" | null;
  created_at: number | string;
  settled_at: number | string | null;
  expires_at: number | string;
}

export const SPEND_COLUMNS =
  "id, run_id, workflow_name, step_id, model, day, status, estimate_micro_usd, cost_micro_usd, outcome, created_at, settled_at, expires_at";

export function toSpendRecord(row: SpendRow): SpendRecord {
  return {
    id: row.id,
    runId: row.run_id,
    workflowName: row.workflow_name,
    stepId: row.step_id,
    model: row.model,
    day: row.day,
    status: row.status,
    estimateMicroUsd: Number(row.estimate_micro_usd),
    costMicroUsd: Number(row.cost_micro_usd),
    ...(row.outcome ? { outcome: row.outcome } : {}),
    createdAtMs: Number(row.created_at),
    ...(row.settled_at !== null ? { settledAtMs: Number(row.settled_at) } : {}),
    expiresAtMs: Number(row.expires_at),
  };
}

/** UTC day of an epoch-ms time, `YYYY-MM-DD`: the key per-day budgets sum over. */
export const utcDay = (atMs: number): string => new Date(atMs).toISOString().slice(0, 10);

/**
 * Spent-or-reserved per scope, with `$n`-style placeholders made by `p(i)` (1-based):
 * params are [runId, stepId, day, nowMs]. An open reservation counts at its estimate until it expires
 * (then 0: its process is gone), a settled one at its exact cost.
 */
export function spentSql(p: (i: number) => string): string {
  const amount = `CASE WHEN status = 'settled' THEN cost_micro_usd
    WHEN expires_at > ${p(4)} THEN estimate_micro_usd ELSE 0 END`;
  return `SELECT
    coalesce(sum(CASE WHEN run_id = ${p(1)} THEN ${amount} END), 0) AS run,
    coalesce(sum(CASE WHEN run_id = ${p(1)} AND step_id = ${p(2)} THEN ${amount} END), 0) AS step,
    coalesce(sum(CASE WHEN day = ${p(3)} THEN ${amount} END), 0) AS day
  FROM spend WHERE run_id = ${p(1)} OR day = ${p(3)}`;
}

export type Spent = Record<BudgetScope, number>;

/** The first limit the reservation would break, or `reserved`. Pure, so both stores agree. */
export function checkLimits(reservation: SpendReservation, spent: Spent): ReserveResult {
  for (const limit of reservation.limits) {
    const already = spent[limit.scope];
    if (already + reservation.estimateMicroUsd > limit.limitMicroUsd)
      return { type: "exceeded", limit, spentMicroUsd: already };
  }
  return { type: "reserved" };
}

/** Settle open reservations past expiry as `expired` at cost 0; params [nowMs]. */
export const expireSql = (p: (i: number) => string): string =>
  `UPDATE spend SET status = 'settled', outcome = 'expired', cost_micro_usd = 0, settled_at = ${p(1)}
    WHERE status = 'reserved' AND expires_at <= ${p(1)}`;

/** The exact cost replaces an open or expired reservation; params [cost, outcome, model, nowMs, id]. */
export const settleSql = (p: (i: number) => string): string =>
  `UPDATE spend SET status = 'settled', cost_micro_usd = ${p(1)}, outcome = ${p(2)}, model = ${p(3)},
    settled_at = ${p(4)} WHERE id = ${p(5)} AND (status = 'reserved' OR outcome = 'expired')`;

/** Terminal run statuses: a run in one of them will not spend again. */
const finished = "('succeeded', 'failed', 'cancelled')";

/**
 * Deletes settled ledger rows of days before `today` whose run is gone, or that were created before
 * the cutoff for a finished run; params [today, cutoffMs]. Today's rows stay: the per-day budget sums them.
 */
export const deleteSpendSql = (p: (i: number) => string): string =>
  `DELETE FROM spend WHERE status = 'settled' AND day < ${p(1)} AND (
    NOT EXISTS (SELECT 1 FROM runs WHERE runs.id = spend.run_id)
    OR (created_at < ${p(2)} AND EXISTS (SELECT 1 FROM runs WHERE runs.id = spend.run_id AND runs.status IN ${finished})))`;

/** Deletes expired cache entries; params [nowMs]. */
export const deleteCacheSql = (p: (i: number) => string): string =>
  `DELETE FROM response_cache WHERE expires_at <= ${p(1)}`;
