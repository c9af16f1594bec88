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
  outcome: "ok" | "error" | "cancelled" | null;
  created_at: number | string;
  settled_at: number | string | null;
}

export const SPEND_COLUMNS =
  "id, run_id, workflow_name, step_id, model, day, status, estimate_micro_usd, cost_micro_usd, outcome, created_at, settled_at";

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
  };
}

/** UTC day of an epoch-ms time, `YYYY-MM-DD`: the key per-day budgets sum over. */
export const utcDay = (atMs: number): string => new Date(atMs).toISOString().slice(0, 10);

/** An open reservation counts at its estimate, a settled one at its exact cost. */
const amount = "CASE WHEN status = 'reserved' THEN estimate_micro_usd ELSE cost_micro_usd END";

/**
 * Spent-or-reserved per scope, with `$n`-style placeholders made by `p(i)` (1-based):
 * params are [runId, stepId, day].
 */
export function spentSql(p: (i: number) => string): string {
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
