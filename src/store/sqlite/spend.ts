/**
 * The spend ledger and response cache in SQLite. A reservation is one IMMEDIATE transaction (sum, check,
 * insert): it holds SQLite's write lock, so two processes on one file cannot both see room for the
 * same last dollar.
 */
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
import type { SqliteDatabase } from "./connection.js";

const names = ["@run", "@step", "@day", "@now"];
const positional = (): string => "?";

export class SqliteSpend {
  private readonly spent;
  private readonly insert;
  private readonly settle;
  private readonly reserveTx;
  private readonly getCached;
  private readonly putCached;
  private readonly expire;
  private readonly deleteSpend;
  private readonly deleteCache;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number,
  ) {
    this.spent = db.prepare(spentSql((i) => names[i - 1]!));
    this.insert = db.prepare(`INSERT INTO spend (id, run_id, workflow_name, step_id, model, day, status,
      estimate_micro_usd, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, 'reserved', ?, ?, ?)`);
    this.settle = db.prepare(settleSql(positional));
    this.expire = db.prepare(expireSql(() => "@now"));
    this.deleteSpend = db.prepare(deleteSpendSql(positional));
    this.deleteCache = db.prepare(deleteCacheSql(positional));
    this.reserveTx = db.transaction((r: SpendReservation, nowMs: number): ReserveResult => {
      const day = utcDay(nowMs);
      const row = this.spent.get({ run: r.runId, step: r.stepId, day, now: nowMs }) as Record<string, number>;
      const result = checkLimits(r, { run: row.run!, step: row.step!, day: row.day! });
      const expiresAtMs = nowMs + (r.ttlMs ?? DEFAULT_RESERVATION_TTL_MS);
      if (result.type === "reserved")
        this.insert.run(
          r.id,
          r.runId,
          r.workflowName,
          r.stepId,
          r.model,
          day,
          r.estimateMicroUsd,
          nowMs,
          expiresAtMs,
        );
      return result;
    });
    this.getCached = db
      .prepare("SELECT response FROM response_cache WHERE key = ? AND expires_at > ?")
      .pluck();
    this.putCached = db.prepare(`INSERT INTO response_cache (key, response, created_at, expires_at)
      VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET response = excluded.response,
      created_at = excluded.created_at, expires_at = excluded.expires_at`);
  }

  reserve(reservation: SpendReservation): ReserveResult {
    return this.reserveTx.immediate(reservation, this.now());
  }

  settleReservation(id: string, s: SpendSettlement): void {
    this.settle.run(s.costMicroUsd, s.outcome, s.model, this.now(), id);
  }

  expireReservations(): number {
    return this.expire.run({ now: this.now() }).changes;
  }

  /** One IMMEDIATE transaction: expire, then delete old ledger rows and expired cache entries. */
  collect(cutoffMs: number): SpendGcReport {
    const nowMs = this.now();
    return this.db
      .transaction(
        (): SpendGcReport => ({
          reservationsExpired: this.expire.run({ now: nowMs }).changes,
          ledgerRowsDeleted: this.deleteSpend.run(utcDay(nowMs), cutoffMs).changes,
          cacheEntriesDeleted: this.deleteCache.run(nowMs).changes,
        }),
      )
      .immediate();
  }

  list(query: SpendQuery = {}): SpendRecord[] {
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.runId !== undefined) where.push("run_id = ?") && values.push(query.runId);
    if (query.sinceMs !== undefined) where.push("created_at >= ?") && values.push(query.sinceMs);
    const sql = `SELECT ${SPEND_COLUMNS} FROM spend ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY created_at, id`;
    return (this.db.prepare(sql).all(...values) as SpendRow[]).map(toSpendRecord);
  }

  cached(key: string): string | undefined {
    return this.getCached.get(key, this.now()) as string | undefined;
  }

  putCache(key: string, response: string, ttlMs: number): void {
    const nowMs = this.now();
    this.putCached.run(key, response, nowMs, nowMs + ttlMs);
  }
}
