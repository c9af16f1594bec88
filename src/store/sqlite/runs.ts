/**
 * Runs in SQLite: create, read, list (keyset pages), guarded status changes, the waiting inbox and GC of
 * old runs. Statements are prepared once; `listRuns` keeps one prepared statement per filter combination.
 */

import type Database from "better-sqlite3";
import { StoreConflictError } from "../../errors/index.js";
import type { ListRunsQuery, NewRun, RunPage, RunRecord, RunStatus, WaitingRun } from "../../spec/index.js";
import { type RunProbe, statusConflict } from "../conflicts.js";
import { decodeCursor, encodeCursor, pageSize } from "../cursor.js";
import { decodeEvent, type EventRow } from "../event-codec.js";
import { checkStatus, isRunnable, isTerminal, type RunRow, toRunRecord } from "../rows.js";
import { openRequests } from "../waiting.js";
import type { SqliteDatabase } from "./connection.js";
import { PROBE_SQLITE, RUN_COLUMNS_SQLITE } from "./run-columns.js";

type Statement = Database.Statement<unknown[]>;

export class SqliteRuns {
  private readonly insert;
  private readonly insertRef;
  private readonly select;
  private readonly probe;
  private readonly setStatus;
  private readonly waiting;
  private readonly humanEvents;
  private readonly listStatements = new Map<string, Statement>();

  constructor(
    private readonly db: SqliteDatabase,
    private readonly now: () => number,
    private readonly notify: () => void,
  ) {
    this.insert = db.prepare(
      `INSERT INTO runs (id, workflow_name, workflow_hash, definition_hash, inputs, priority, status, next_seq,
         created_at, updated_at, lease_owner, lease_expires_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    this.insertRef = db.prepare("INSERT OR IGNORE INTO blob_refs (run_id, blob_hash) VALUES (?, ?)");
    this.select = db.prepare(`SELECT ${RUN_COLUMNS_SQLITE} FROM runs WHERE id = ?`);
    this.probe = db.prepare(PROBE_SQLITE);
    this.setStatus = db.prepare(
      `UPDATE runs SET status = ?, updated_at = ?, wake_at = CASE WHEN ? THEN ? ELSE wake_at END,
         lease_owner = CASE WHEN ? THEN NULL ELSE lease_owner END,
         lease_expires_at = CASE WHEN ? THEN NULL ELSE lease_expires_at END
       WHERE id = ? AND status IN (SELECT value FROM json_each(?)) RETURNING ${RUN_COLUMNS_SQLITE}`,
    );
    this.waiting = db.prepare(
      `SELECT ${RUN_COLUMNS_SQLITE} FROM runs WHERE status = 'waiting' ORDER BY updated_at, id LIMIT ?`,
    );
    this.humanEvents = db.prepare(
      `SELECT seq, at, payload FROM events WHERE run_id = ?
         AND type IN ('human-input-request', 'human-input-response') ORDER BY seq`,
    );
  }

  create(run: NewRun, definitionHash: string): RunRecord {
    const nowMs = this.now();
    const created = this.db.transaction(() => {
      const result = this.insert.run(
        run.id,
        run.workflowName,
        run.workflowHash,
        definitionHash,
        JSON.stringify(run.inputs ?? null),
        run.priority ?? 0,
        nowMs,
        nowMs,
        run.lease?.workerId ?? null,
        run.lease ? nowMs + run.lease.leaseMs : null,
      );
      if (result.changes === 0) {
        const probe = this.probe.get(run.id) as RunProbe;
        throw new StoreConflictError("exists", run.id, "a new id", probe.status);
      }
      this.insertRef.run(run.id, definitionHash);
      return toRunRecord(this.select.get(run.id) as RunRow);
    })();
    this.notify();
    return created;
  }

  get(runId: string): RunRecord | undefined {
    const row = this.select.get(runId) as RunRow | undefined;
    return row === undefined ? undefined : toRunRecord(row);
  }

  list(query: ListRunsQuery = {}): RunPage {
    const limit = pageSize(query.limit);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.status !== undefined) {
      where.push("status = ?");
      params.push(checkStatus(query.status));
    }
    if (query.workflowName !== undefined) {
      where.push("workflow_name = ?");
      params.push(query.workflowName);
    }
    if (cursor !== undefined) {
      where.push("(created_at, id) < (?, ?)");
      params.push(cursor.createdAtMs, cursor.id);
    }
    const sql = `SELECT ${RUN_COLUMNS_SQLITE} FROM runs ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY created_at DESC, id DESC LIMIT ?`;
    let statement = this.listStatements.get(sql);
    if (statement === undefined) {
      statement = this.db.prepare<unknown[]>(sql);
      this.listStatements.set(sql, statement);
    }
    const rows = statement.all(...params, limit + 1) as RunRow[];
    const runs = rows.slice(0, limit).map(toRunRecord);
    const last = runs[runs.length - 1];
    return rows.length > limit && last !== undefined
      ? { runs, nextCursor: encodeCursor({ createdAtMs: last.createdAtMs, id: last.id }) }
      : { runs };
  }

  updateStatus(
    runId: string,
    expected: readonly RunStatus[],
    next: RunStatus,
    wakeAtMs: number | null | undefined,
  ): RunRecord {
    const clearLease = isTerminal(checkStatus(next)) ? 1 : 0;
    const row = this.setStatus.get(
      next,
      this.now(),
      wakeAtMs === undefined ? 0 : 1,
      wakeAtMs ?? null,
      clearLease,
      clearLease,
      runId,
      JSON.stringify(expected.map(checkStatus)),
    ) as RunRow | undefined;
    if (row === undefined)
      throw statusConflict(runId, expected, this.probe.get(runId) as RunProbe | undefined);
    if (isRunnable(next) || typeof wakeAtMs === "number") this.notify();
    return toRunRecord(row);
  }

  listWaiting(limit: number): WaitingRun[] {
    const read = this.db.transaction(() =>
      (this.waiting.all(limit) as RunRow[]).map((row) => ({
        run: toRunRecord(row),
        openRequests: openRequests((this.humanEvents.all(row.id) as EventRow[]).map((e) => decodeEvent(e))),
      })),
    );
    return read();
  }

  deleteOlderThan(cutoffMs: number): number {
    const old = "SELECT id FROM runs WHERE status IN ('succeeded', 'failed', 'cancelled') AND updated_at < ?";
    const remove = this.db.transaction((): number => {
      for (const table of ["events", "blob_refs", "feedback"]) {
        this.db.prepare(`DELETE FROM ${table} WHERE run_id IN (${old})`).run(cutoffMs);
      }
      return this.db.prepare(`DELETE FROM runs WHERE id IN (${old})`).run(cutoffMs).changes;
    });
    return remove.immediate();
  }
}
