/**
 * The SQLite journal: one short transaction per batch, every statement prepared once. The guard is a
 * read inside the write transaction (SQLite has one writer at a time): the run's newest event gives the
 * next sequence, its row the status, so a second writer (another process on the same file) finds the
 * sequence moved and gets a typed conflict. A plain append writes only its events; the `runs` row is
 * rewritten only when the status or wake-up time changes.
 */
import type {
  AppendOptions,
  AppendResult,
  DocumentVersionRecord,
  JournalEntry,
  RunEvent,
} from "../../spec/index.js";
import { appendConflict, checkSeq, type RunProbe } from "../conflicts.js";
import {
  decodeEvent,
  documentRecords,
  type EncodedEvent,
  type EventRow,
  encodeEvents,
} from "../event-codec.js";
import { checkStatus, isRunnable, isTerminal } from "../rows.js";
import type { SqliteDatabase } from "./connection.js";
import { PROBE_SQLITE } from "./run-columns.js";

type Statement = ReturnType<SqliteDatabase["prepare"]>;

/** Rows per multi-row INSERT: 6 parameters each, far below SQLite's 32,766-parameter limit. */
const MAX_ROWS = 16;

export class SqliteJournal {
  private readonly bump;
  private readonly probe;
  /** Multi-row event INSERTs by row count (1..MAX_ROWS): one statement call per batch, not per event. */
  private readonly insertEvents: Array<Statement | undefined> = [];
  private readonly db: SqliteDatabase;
  private readonly insertRef;
  private readonly readFrom;
  private readonly readCall;
  private readonly readDocuments;
  private readonly appendTx;

  constructor(
    db: SqliteDatabase,
    private readonly now: () => number,
    private readonly maxEventBytes: number,
    private readonly notify: () => void,
    /** Stores one blob; called inside the append's transaction (a savepoint of it). */
    private readonly putBlob: (bytes: Uint8Array) => string,
  ) {
    // A status or wake-up change rewrites the runs row (and its indexes); a plain append leaves it alone:
    // the next sequence and the last update are read from the run's newest event (see RUN_COLUMNS_SQLITE),
    // so the `next_seq` column, which a plain append would leave stale anyway, is not written at all.
    this.bump = db.prepare(
      `UPDATE runs SET updated_at = ?, status = coalesce(?, status),
         wake_at = CASE WHEN ? THEN ? ELSE wake_at END
       WHERE id = ?`,
    );
    this.db = db;
    this.probe = db.prepare(PROBE_SQLITE);
    this.insertRef = db.prepare("INSERT OR IGNORE INTO blob_refs (run_id, blob_hash) VALUES (?, ?)");
    this.readFrom = db.prepare(
      "SELECT seq, at, payload FROM events WHERE run_id = ? AND seq >= ? ORDER BY seq",
    );
    this.readCall = db.prepare(
      "SELECT seq, at, payload FROM events WHERE run_id = ? AND call_key = ? ORDER BY seq",
    );
    this.readDocuments = db.prepare(
      "SELECT seq, at, payload FROM events WHERE run_id = ? AND type = 'document-version' ORDER BY seq",
    );
    this.appendTx = db.transaction(this.write.bind(this));
  }

  append(
    runId: string,
    expectedNextSeq: number,
    events: readonly RunEvent[],
    options: AppendOptions = {},
  ): AppendResult {
    checkSeq(runId, expectedNextSeq);
    const status = options.status === undefined ? null : checkStatus(options.status);
    const encoded = encodeEvents(runId, events, this.maxEventBytes);
    const atMs = options.atMs ?? this.now();
    // IMMEDIATE: the guard reads before it writes, and a deferred transaction whose snapshot another
    // process overtook could not upgrade to a write (SQLITE_BUSY_SNAPSHOT). Inside the group commit's
    // open transaction this is a savepoint, as before.
    this.appendTx.immediate(runId, expectedNextSeq, encoded, atMs, status, options.wakeAtMs, options.blobs);
    if (isRunnable(options.status ?? undefined) || typeof options.wakeAtMs === "number") this.notify();
    return { firstSeq: expectedNextSeq, nextSeq: expectedNextSeq + encoded.length, atMs };
  }

  private write(
    runId: string,
    expectedNextSeq: number,
    encoded: readonly EncodedEvent[],
    atMs: number,
    status: string | null,
    wakeAtMs: number | null | undefined,
    blobs: readonly Uint8Array[] | undefined,
  ): void {
    for (const bytes of blobs ?? []) this.putBlob(bytes);
    // The guard: inside this write transaction no other writer can move the run, so reading its newest
    // event and status is as good as a guarded UPDATE, and it dirties no page. `(run_id, seq)` as the
    // primary key stays the backstop.
    const probe = this.probe.get(runId) as RunProbe | undefined;
    if (probe === undefined || probe.next_seq !== expectedNextSeq || isTerminal(probe.status))
      throw appendConflict(runId, expectedNextSeq, probe);
    if (status !== null || wakeAtMs !== undefined)
      this.bump.run(atMs, status, wakeAtMs === undefined ? 0 : 1, wakeAtMs ?? null, runId);
    this.insertRows(runId, expectedNextSeq, encoded, atMs);
    // Most batches reference no blob: no set to build for them.
    let refs: Set<string> | undefined;
    for (const event of encoded) {
      if (event.blobs.length === 0) continue;
      refs ??= new Set();
      for (const hash of event.blobs) refs.add(hash);
    }
    if (refs) for (const hash of refs) this.insertRef.run(runId, hash);
  }

  /** The batch's event rows, MAX_ROWS per statement call (plain loops: this runs on every commit). */
  private insertRows(runId: string, firstSeq: number, encoded: readonly EncodedEvent[], atMs: number): void {
    for (let start = 0; start < encoded.length; start += MAX_ROWS) {
      const end = Math.min(encoded.length, start + MAX_ROWS);
      const params: unknown[] = [];
      for (let i = start; i < end; i++) {
        const event = encoded[i]!;
        params.push(runId, firstSeq + i, event.type, atMs, event.callKey, event.payload);
      }
      this.eventInsert(end - start).run(params);
    }
  }

  private eventInsert(rows: number): Statement {
    let statement = this.insertEvents[rows];
    if (!statement) {
      const values = Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?)").join(", ");
      statement = this.db.prepare(
        `INSERT INTO events (run_id, seq, type, at, call_key, payload) VALUES ${values}`,
      );
      this.insertEvents[rows] = statement;
    }
    return statement;
  }

  read(runId: string, fromSeq = 0): JournalEntry[] {
    return (this.readFrom.all(runId, fromSeq) as EventRow[]).map((row) => decodeEvent(row));
  }

  listDocumentVersions(runId: string, documentId?: string): DocumentVersionRecord[] {
    return documentRecords(runId, this.readDocuments.all(runId) as EventRow[], documentId);
  }

  readCallEvents(runId: string, callKey: string): JournalEntry[] {
    return (this.readCall.all(runId, callKey) as EventRow[]).map((row) => decodeEvent(row));
  }
}
