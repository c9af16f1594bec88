/**
 * The spend ledger and response cache in PostgreSQL. Several workers reserve against the same per-day
 * budget, so a reservation runs in one transaction under a transaction-scoped advisory lock: the sum,
 * the check and the insert are serialized across every connection, and two workers can never both
 * spend the last dollar. The lock is held for three statements, negligible next to a model call.
 */
import type pg from "pg";
import {
  DEFAULT_RESERVATION_TTL_MS,
  type ReserveResult,
  type SpendGcReport,
  type SpendQuery,
  type SpendRecord,
  type SpendReservation,
  type SpendSettlement,
} from "../../spec/index.js";
import {
  checkLimits,
  deleteCacheSql,
  deleteSpendSql,
  expireSql,
  SPEND_COLUMNS,
  type SpendRow,
  settleSql,
  spentSql,
  toSpendRecord,
  utcDay,
} from "../spend-rows.js";

const dollar = (i: number): string => `$${i}`;

/** Advisory lock key for the ledger ("quorum spend" as a 64-bit number). */
const SPEND_LOCK = "7174735370656e64";

export class PostgresSpend {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => number,
  ) {}

  async reserve(r: SpendReservation): Promise<ReserveResult> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(`SELECT pg_advisory_xact_lock(x'${SPEND_LOCK}'::bigint)`);
      const nowMs = this.now();
      const day = utcDay(nowMs);
      const row = (
        await client.query<{ run: string; step: string; day: string }>(spentSql(dollar), [
          r.runId,
          r.stepId,
          day,
          nowMs,
        ])
      ).rows[0]!;
      const result = checkLimits(r, { run: Number(row.run), step: Number(row.step), day: Number(row.day) });
      if (result.type === "reserved")
        await client.query(
          `INSERT INTO spend (id, run_id, workflow_name, step_id, model, day, status, estimate_micro_usd,
            created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, 'reserved', $7, $8, $9)`,
          [
            r.id,
            r.runId,
            r.workflowName,
            r.stepId,
            r.model,
            day,
            r.estimateMicroUsd,
            nowMs,
            nowMs + (r.ttlMs ?? DEFAULT_RESERVATION_TTL_MS),
          ],
        );
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async settleReservation(id: string, s: SpendSettlement): Promise<void> {
    await this.pool.query(settleSql(dollar), [s.costMicroUsd, s.outcome, s.model, this.now(), id]);
  }

  async expireReservations(): Promise<number> {
    return (await this.pool.query(expireSql(dollar), [this.now()])).rowCount ?? 0;
  }

  /** One transaction: expire, then delete old ledger rows and expired cache entries. */
  async collect(cutoffMs: number): Promise<SpendGcReport> {
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      const nowMs = this.now();
      const report: SpendGcReport = {
        reservationsExpired: (await client.query(expireSql(dollar), [nowMs])).rowCount ?? 0,
        ledgerRowsDeleted:
          (await client.query(deleteSpendSql(dollar), [utcDay(nowMs), cutoffMs])).rowCount ?? 0,
        cacheEntriesDeleted: (await client.query(deleteCacheSql(dollar), [nowMs])).rowCount ?? 0,
      };
      await client.query("COMMIT");
      return report;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async list(query: SpendQuery = {}): Promise<SpendRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.runId !== undefined) values.push(query.runId) && where.push(`run_id = $${values.length}`);
    if (query.sinceMs !== undefined)
      values.push(query.sinceMs) && where.push(`created_at >= $${values.length}`);
    const sql = `SELECT ${SPEND_COLUMNS} FROM spend ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY created_at, id`;
    return (await this.pool.query<SpendRow>(sql, values)).rows.map(toSpendRecord);
  }

  async cached(key: string): Promise<string | undefined> {
    const result = await this.pool.query<{ response: string }>(
      "SELECT response FROM response_cache WHERE key = $1 AND expires_at > $2",
      [key, this.now()],
    );
    return result.rows[0]?.response;
  }

  async putCache(key: string, response: string, ttlMs: number): Promise<void> {
    const nowMs = this.now();
    await this.pool.query(
      `INSERT INTO response_cache (key, response, created_at, expires_at) VALUES ($1, $2, $3, $4)
        ON CONFLICT (key) DO UPDATE SET response = EXCLUDED.response, created_at = EXCLUDED.created_at,
        expires_at = EXCLUDED.expires_at`,
      [key, response, nowMs, nowMs + ttlMs],
    );
  }
}
