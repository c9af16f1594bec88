/**
 * The PostgreSQL journal with group commit: appends issued while a write is in flight queue up and go
 * out together as one statement (`append-sql.ts`), so N concurrent runs in one process pay one round
 * trip and one fsync instead of N. A lone append is still a single round trip. If a batched statement
 * fails as a whole (a deadlock between overlapping batches, a bad row), its items are retried one by one
 * so only the culprit fails.
 */
import type pg from "pg";
import type {
  AppendOptions,
  AppendResult,
  DocumentVersionRecord,
  JournalEntry,
  RunEvent,
} from "../../spec/index.js";
import { sha256Hex } from "../blob-hash.js";
import { appendConflict, checkSeq, type RunProbe } from "../conflicts.js";
import { decodeEvent, documentRecords, type EventRow, encodeEvents } from "../event-codec.js";
import { checkStatus, isRunnable } from "../rows.js";
import { APPEND_SQL, type AppendItem, appendParams, singleAppend } from "./append-sql.js";
import { mapPostgresError, type PostgresTarget } from "./connection.js";

/** Most runs per statement: bounds parameter size and lock footprint. */
const MAX_BATCH = 256;

interface Pending extends AppendItem {
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

export class PostgresJournal {
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly target: PostgresTarget,
    private readonly now: () => number,
    private readonly maxEventBytes: number,
    /** Stores one blob on its own (a batch of several runs writes its blobs this way first). */
    private readonly putBlob: (bytes: Uint8Array) => Promise<string>,
  ) {}

  append(
    runId: string,
    expectedNextSeq: number,
    events: readonly RunEvent[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      checkSeq(runId, expectedNextSeq);
      const status = options.status === undefined ? null : checkStatus(options.status);
      const notify = isRunnable(options.status) || typeof options.wakeAtMs === "number";
      const encoded = encodeEvents(runId, events, this.maxEventBytes);
      const atMs = options.atMs ?? this.now();
      const item = {
        runId,
        expectedNextSeq,
        events: encoded,
        atMs,
        status,
        wakeAtMs: options.wakeAtMs,
        notify,
        // Only single-chunk blobs reach here (postgres-store writes larger ones first).
        blobs: (options.blobs ?? []).map((bytes) => ({
          hash: sha256Hex(bytes),
          bytes: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        })),
      };
      this.queue.push({ ...item, resolve, reject });
      // Start on the next microtask so appends issued in the same tick share the first statement.
      this.flushing ??= Promise.resolve().then(() => this.flush());
    });
  }

  /** Resolves when every queued append has been written (used by close). */
  async drain(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length > 0) await this.write(this.takeBatch());
    } finally {
      this.flushing = undefined;
    }
  }

  /** At most one append per run per statement: a second one must see the first's new sequence. */
  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const runs = new Set<string>();
    for (const item of this.queue) {
      if (runs.has(item.runId) || batch.length >= MAX_BATCH) rest.push(item);
      else {
        runs.add(item.runId);
        batch.push(item);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async write(batch: readonly Pending[]): Promise<void> {
    let bumped: Set<string>;
    try {
      // One run: its blobs go in the append statement itself. Several: each blob first, on its own.
      if (batch.length > 1)
        for (const item of batch) for (const blob of item.blobs ?? []) await this.putBlob(blob.bytes);
      const [only] = batch;
      const query =
        batch.length === 1 && only !== undefined
          ? singleAppend(only, this.target.channel)
          : { name: "quorum_append_v1", text: APPEND_SQL, values: appendParams(batch, this.target.channel) };
      const result = await this.pool.query<{ id: string }>(query);
      bumped = new Set(result.rows.map((row) => row.id));
    } catch (error) {
      if (batch.length === 1) batch[0]?.reject(mapPostgresError(error, this.target));
      else for (const item of batch) await this.write([item]);
      return;
    }
    const refused = batch.filter((item) => !bumped.has(item.runId));
    for (const item of batch) {
      if (!bumped.has(item.runId)) continue;
      const nextSeq = item.expectedNextSeq + item.events.length;
      item.resolve({ firstSeq: item.expectedNextSeq, nextSeq, atMs: item.atMs });
    }
    if (refused.length > 0) await this.explain(refused);
  }

  private async explain(refused: readonly Pending[]): Promise<void> {
    try {
      const result = await this.pool.query<RunProbe & { id: string }>(
        "SELECT id, status, next_seq FROM runs WHERE id = ANY($1::text[])",
        [refused.map((item) => item.runId)],
      );
      const probes = new Map(result.rows.map((row) => [row.id, row]));
      for (const item of refused)
        item.reject(appendConflict(item.runId, item.expectedNextSeq, probes.get(item.runId)));
    } catch (error) {
      for (const item of refused) item.reject(mapPostgresError(error, this.target));
    }
  }

  async read(runId: string, fromSeq = 0): Promise<JournalEntry[]> {
    const result = await this.pool.query<EventRow>({
      name: "quorum_read_events_v1",
      text: "SELECT seq, at, payload FROM events WHERE run_id = $1 AND seq >= $2 ORDER BY seq",
      values: [runId, fromSeq],
    });
    return result.rows.map((row) => decodeEvent(row));
  }

  async listDocumentVersions(runId: string, documentId?: string): Promise<DocumentVersionRecord[]> {
    const result = await this.pool.query<EventRow>({
      name: "quorum_read_documents_v1",
      text: "SELECT seq, at, payload FROM events WHERE run_id = $1 AND type = 'document-version' ORDER BY seq",
      values: [runId],
    });
    return documentRecords(runId, result.rows, documentId);
  }

  async readCallEvents(runId: string, callKey: string): Promise<JournalEntry[]> {
    const result = await this.pool.query<EventRow>({
      name: "quorum_read_call_v1",
      text: "SELECT seq, at, payload FROM events WHERE run_id = $1 AND call_key = $2 ORDER BY seq",
      values: [runId, callKey],
    });
    return result.rows.map((row) => decodeEvent(row));
  }
}
