/**
 * Leases in PostgreSQL, for many workers on many machines. The claim picks candidates with
 * `FOR UPDATE SKIP LOCKED`: concurrent claimers skip rows another claimer is taking instead of waiting
 * on them, and the lease condition is re-checked on the locked row, so two workers never get one run.
 */
import type pg from "pg";
import type { RunRecord } from "../../spec/index.js";
import { checkLease } from "../conflicts.js";
import { RUN_COLUMNS, type RunRow, toRunRecord } from "../rows.js";

const byClaimOrder = (a: RunRecord, b: RunRecord): number =>
  b.priority - a.priority || a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class PostgresClaims {
  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly now: () => number,
  ) {}

  async claimRuns(workerId: string, limit: number, leaseMs: number): Promise<RunRecord[]> {
    checkLease(workerId, leaseMs);
    if (limit <= 0) return [];
    const nowMs = this.now();
    const result = await this.pool.query<RunRow>({
      name: "quorum_claim_v1",
      text: `UPDATE runs SET lease_owner = $1, lease_expires_at = $2
        WHERE id IN (
          SELECT id FROM runs
          WHERE (status IN ('pending', 'running') OR (status = 'waiting' AND wake_at <= $3))
            AND (lease_owner IS NULL OR lease_expires_at <= $3)
          ORDER BY priority DESC, created_at, id
          LIMIT $4
          FOR UPDATE SKIP LOCKED)
        RETURNING ${RUN_COLUMNS}`,
      values: [workerId, nowMs + leaseMs, nowMs, Math.floor(limit)],
    });
    return result.rows.map(toRunRecord).sort(byClaimOrder);
  }

  async leaseRun(
    workerId: string,
    runId: string,
    leaseMs: number,
    takeFrom?: string,
  ): Promise<RunRecord | undefined> {
    checkLease(workerId, leaseMs);
    const nowMs = this.now();
    // The row lock serializes two claimers; the second re-checks the lease on the updated row.
    const result = await this.pool.query<RunRow>({
      name: "quorum_lease_run_v2",
      text: `UPDATE runs SET lease_owner = $1, lease_expires_at = $2
        WHERE id = $3 AND status NOT IN ('succeeded', 'failed', 'cancelled')
          AND (lease_owner IS NULL OR lease_owner = $1 OR lease_expires_at <= $4 OR lease_owner = $5)
        RETURNING ${RUN_COLUMNS}`,
      values: [workerId, nowMs + leaseMs, runId, nowMs, takeFrom ?? null],
    });
    const row = result.rows[0];
    return row === undefined ? undefined : toRunRecord(row);
  }

  async heartbeat(workerId: string, runIds: readonly string[], leaseMs: number): Promise<string[]> {
    checkLease(workerId, leaseMs);
    if (runIds.length === 0) return [];
    const result = await this.pool.query<{ id: string }>({
      name: "quorum_heartbeat_v1",
      text: `UPDATE runs SET lease_expires_at = $1
        WHERE id = ANY($2::text[]) AND lease_owner = $3 AND status NOT IN ('succeeded', 'failed', 'cancelled')
        RETURNING id`,
      values: [this.now() + leaseMs, runIds, workerId],
    });
    return result.rows.map((row) => row.id);
  }

  async releaseRun(workerId: string, runId: string): Promise<boolean> {
    const result = await this.pool.query({
      name: "quorum_release_v1",
      text: `WITH rel AS (
          UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2
          RETURNING status
        )
        SELECT CASE WHEN status IN ('pending', 'running') THEN pg_notify($3, '') END::text AS notified FROM rel`,
      values: [runId, workerId, this.channel],
    });
    return result.rows.length > 0;
  }

  /** Milliseconds until the next lease expires or wake time comes due; undefined when none. */
  async dueInMs(): Promise<number | undefined> {
    const result = await this.pool.query<{ due: number | null }>({
      name: "quorum_next_due_v1",
      text: `SELECT min(CASE WHEN status = 'waiting' THEN greatest(wake_at, coalesce(lease_expires_at, 0))
                 ELSE lease_expires_at END) AS due
        FROM runs
        WHERE (status IN ('pending', 'running') AND lease_owner IS NOT NULL)
           OR (status = 'waiting' AND wake_at IS NOT NULL)`,
    });
    const due = result.rows[0]?.due ?? null;
    return due === null ? undefined : due - this.now();
  }
}
