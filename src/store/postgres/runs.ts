/**
 * Runs in PostgreSQL: create (with its definition ref and NOTIFY in one statement), read, keyset pages,
 * guarded status changes, the waiting inbox and GC of old runs (one statement, atomic).
 */
import type pg from "pg";
import { StoreConflictError } from "../../errors/index.js";
import type { ListRunsQuery, NewRun, RunPage, RunRecord, RunStatus, WaitingRun } from "../../spec/index.js";
import { type RunProbe, statusConflict } from "../conflicts.js";
import { decodeCursor, encodeCursor, pageSize } from "../cursor.js";
import { decodeEvent, type EventRow } from "../event-codec.js";
import { checkStatus, isRunnable, isTerminal, RUN_COLUMNS, type RunRow, toRunRecord } from "../rows.js";
import { openRequests } from "../waiting.js";

const TERMINAL = "('succeeded', 'failed', 'cancelled')";

export class PostgresRuns {
  constructor(
    private readonly pool: pg.Pool,
    private readonly channel: string,
    private readonly now: () => number,
  ) {}

  async create(run: NewRun, definitionHash: string): Promise<RunRecord> {
    const nowMs = this.now();
    const result = await this.pool.query<RunRow>({
      name: "quorum_create_run_v2",
      text: `WITH ins AS (
          INSERT INTO runs (id, workflow_name, workflow_hash, definition_hash, inputs, priority, status, next_seq,
            created_at, updated_at, lease_owner, lease_expires_at)
            VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7, $9, $10)
          ON CONFLICT (id) DO NOTHING RETURNING ${RUN_COLUMNS}
        ), ref AS (
          INSERT INTO blob_refs (run_id, blob_hash) SELECT id, definition_hash FROM ins ON CONFLICT DO NOTHING
        )
        SELECT ins.*, pg_notify($8, '')::text AS notified FROM ins`,
      values: [
        run.id,
        run.workflowName,
        run.workflowHash,
        definitionHash,
        JSON.stringify(run.inputs ?? null),
        run.priority ?? 0,
        nowMs,
        this.channel,
        run.lease?.workerId ?? null,
        run.lease ? nowMs + run.lease.leaseMs : null,
      ],
    });
    const row = result.rows[0];
    if (row !== undefined) return toRunRecord(row);
    const probe = await this.probe(run.id);
    throw new StoreConflictError("exists", run.id, "a new id", probe?.status ?? "unknown");
  }

  async get(runId: string): Promise<RunRecord | undefined> {
    const result = await this.pool.query<RunRow>({
      name: "quorum_get_run_v1",
      text: `SELECT ${RUN_COLUMNS} FROM runs WHERE id = $1`,
      values: [runId],
    });
    const row = result.rows[0];
    return row === undefined ? undefined : toRunRecord(row);
  }

  async list(query: ListRunsQuery = {}): Promise<RunPage> {
    const limit = pageSize(query.limit);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (sql: (n: number) => string, ...params: unknown[]): void => {
      where.push(sql(values.length + 1));
      values.push(...params);
    };
    if (query.status !== undefined) add((n) => `status = $${n}`, checkStatus(query.status));
    if (query.workflowName !== undefined) add((n) => `workflow_name = $${n}`, query.workflowName);
    if (cursor !== undefined)
      add((n) => `(created_at, id) < ($${n}, $${n + 1})`, cursor.createdAtMs, cursor.id);
    values.push(limit + 1);
    const text = `SELECT ${RUN_COLUMNS} FROM runs ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
      ORDER BY created_at DESC, id DESC LIMIT $${values.length}`;
    const rows = (await this.pool.query<RunRow>(text, values)).rows;
    const runs = rows.slice(0, limit).map(toRunRecord);
    const last = runs[runs.length - 1];
    return rows.length > limit && last !== undefined
      ? { runs, nextCursor: encodeCursor({ createdAtMs: last.createdAtMs, id: last.id }) }
      : { runs };
  }

  async updateStatus(
    runId: string,
    expected: readonly RunStatus[],
    next: RunStatus,
    wakeAtMs: number | null | undefined,
  ): Promise<RunRecord> {
    const notify = isRunnable(next) || typeof wakeAtMs === "number";
    const result = await this.pool.query<RunRow>({
      name: "quorum_update_status_v1",
      text: `WITH upd AS (
          UPDATE runs SET status = $1, updated_at = $2, wake_at = CASE WHEN $3 THEN $4 ELSE wake_at END,
            lease_owner = CASE WHEN $5 THEN NULL ELSE lease_owner END,
            lease_expires_at = CASE WHEN $5 THEN NULL ELSE lease_expires_at END
          WHERE id = $6 AND status = ANY($7::text[]) RETURNING ${RUN_COLUMNS}
        )
        SELECT upd.*, CASE WHEN $8 THEN pg_notify($9, '') END::text AS notified FROM upd`,
      values: [
        checkStatus(next),
        this.now(),
        wakeAtMs !== undefined,
        wakeAtMs ?? null,
        isTerminal(next),
        runId,
        expected.map(checkStatus),
        notify,
        this.channel,
      ],
    });
    const row = result.rows[0];
    if (row === undefined) throw statusConflict(runId, expected, await this.probe(runId));
    return toRunRecord(row);
  }

  async listWaiting(limit: number): Promise<WaitingRun[]> {
    const runs = (
      await this.pool.query<RunRow>(
        `SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'waiting' ORDER BY updated_at, id LIMIT $1`,
        [limit],
      )
    ).rows;
    if (runs.length === 0) return [];
    const events = await this.pool.query<EventRow & { run_id: string }>(
      `SELECT run_id, seq, at, payload FROM events WHERE run_id = ANY($1::text[])
         AND type IN ('human-input-request', 'human-input-response') ORDER BY run_id, seq`,
      [runs.map((run) => run.id)],
    );
    return runs.map((row) => ({
      run: toRunRecord(row),
      openRequests: openRequests(events.rows.filter((e) => e.run_id === row.id).map((e) => decodeEvent(e))),
    }));
  }

  async deleteOlderThan(cutoffMs: number): Promise<number> {
    const result = await this.pool.query<{ n: number }>(
      `WITH old AS (DELETE FROM runs WHERE status IN ${TERMINAL} AND updated_at < $1 RETURNING id),
         e AS (DELETE FROM events WHERE run_id IN (SELECT id FROM old)),
         r AS (DELETE FROM blob_refs WHERE run_id IN (SELECT id FROM old)),
         f AS (DELETE FROM feedback WHERE run_id IN (SELECT id FROM old))
       SELECT count(*)::int AS n FROM old`,
      [cutoffMs],
    );
    return result.rows[0]?.n ?? 0;
  }

  private async probe(runId: string): Promise<RunProbe | undefined> {
    const result = await this.pool.query<RunProbe>("SELECT status, next_seq FROM runs WHERE id = $1", [
      runId,
    ]);
    return result.rows[0];
  }
}
