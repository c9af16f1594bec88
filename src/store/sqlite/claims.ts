/**
 * Leases in SQLite. SQLite has one writer at a time, so a single `UPDATE … WHERE id IN (SELECT … LIMIT n)`
 * is already exclusive across every process using the file: two workers never lease the same run.
 */
import type { RunRecord } from "../../spec/index.js";
import { checkLease } from "../conflicts.js";
import { isRunnable, type RunRow, toRunRecord } from "../rows.js";
import type { SqliteDatabase } from "./connection.js";
import { RUN_COLUMNS_SQLITE } from "./run-columns.js";

/** Claim order: highest priority, then oldest, then id (stable). */
const byClaimOrder = (a: RunRecord, b: RunRecord): number =>
  b.priority - a.priority || a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class SqliteClaims {
  private readonly claim;
  private readonly claimOne;
  private readonly extend;
  private readonly release;
  private readonly due;

  constructor(
    db: SqliteDatabase,
    private readonly now: () => number,
    private readonly notify: () => void,
  ) {
    this.claim = db.prepare(
      `UPDATE runs SET lease_owner = ?, lease_expires_at = ?
       WHERE id IN (
         SELECT id FROM runs
         WHERE (status IN ('pending', 'running') OR (status = 'waiting' AND wake_at <= ?))
           AND (lease_owner IS NULL OR lease_expires_at <= ?)
         ORDER BY priority DESC, created_at, id LIMIT ?)
       RETURNING ${RUN_COLUMNS_SQLITE}`,
    );
    this.claimOne = db.prepare(
      `UPDATE runs SET lease_owner = ?, lease_expires_at = ?
       WHERE id = ? AND status NOT IN ('succeeded', 'failed', 'cancelled')
         AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at <= ? OR lease_owner = ?)
       RETURNING ${RUN_COLUMNS_SQLITE}`,
    );
    this.extend = db.prepare(
      `UPDATE runs SET lease_expires_at = ?
       WHERE id IN (SELECT value FROM json_each(?)) AND lease_owner = ?
         AND status NOT IN ('succeeded', 'failed', 'cancelled')
       RETURNING id`,
    );
    this.release = db.prepare(
      `UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL
       WHERE id = ? AND lease_owner = ? RETURNING status`,
    );
    this.due = db
      .prepare(
        `SELECT min(CASE WHEN status = 'waiting' THEN max(wake_at, coalesce(lease_expires_at, 0))
                  ELSE lease_expires_at END)
       FROM runs
       WHERE (status IN ('pending', 'running') AND lease_owner IS NOT NULL)
          OR (status = 'waiting' AND wake_at IS NOT NULL)`,
      )
      .pluck();
  }

  claimRuns(workerId: string, limit: number, leaseMs: number): RunRecord[] {
    checkLease(workerId, leaseMs);
    if (limit <= 0) return [];
    const nowMs = this.now();
    const rows = this.claim.all(workerId, nowMs + leaseMs, nowMs, nowMs, Math.floor(limit)) as RunRow[];
    return rows.map(toRunRecord).sort(byClaimOrder);
  }

  leaseRun(workerId: string, runId: string, leaseMs: number, takeFrom?: string): RunRecord | undefined {
    checkLease(workerId, leaseMs);
    const nowMs = this.now();
    const row = this.claimOne.get(workerId, nowMs + leaseMs, runId, workerId, nowMs, takeFrom ?? null) as
      | RunRow
      | undefined;
    return row === undefined ? undefined : toRunRecord(row);
  }

  heartbeat(workerId: string, runIds: readonly string[], leaseMs: number): string[] {
    checkLease(workerId, leaseMs);
    if (runIds.length === 0) return [];
    const rows = this.extend.all(this.now() + leaseMs, JSON.stringify(runIds), workerId) as { id: string }[];
    return rows.map((row) => row.id);
  }

  releaseRun(workerId: string, runId: string): boolean {
    const row = this.release.get(runId, workerId) as { status: RunRecord["status"] } | undefined;
    if (row === undefined) return false;
    if (isRunnable(row.status)) this.notify();
    return true;
  }

  /** Milliseconds until the next lease expires or wake time comes due; undefined when none. */
  dueInMs(): number | undefined {
    const dueAtMs = this.due.get() as number | null;
    return dueAtMs === null ? undefined : dueAtMs - this.now();
  }
}
