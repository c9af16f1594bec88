/**
 * The SQLite store: the default, embedded in one file. Composes the journal, runs, claims and content
 * parts over one connection; the driver is synchronous, so every method does its work in the same tick
 * and returns a settled promise (no thread hops on the hot path). Driver errors become store errors.
 */
import type {
  AlertEventQuery,
  AlertEventRecord,
  AppendOptions,
  AppendResult,
  DocumentVersionRecord,
  FeedbackRecord,
  JournalEntry,
  ListRunsQuery,
  NewAlertEvent,
  NewRun,
  OrphanBlobReport,
  QualityObservation,
  QualityQuery,
  ReserveResult,
  RunEvent,
  RunPage,
  RunRecord,
  RunStatus,
  SpendGcReport,
  SpendQuery,
  SpendRecord,
  SpendReservation,
  SpendSettlement,
  Store,
  StoreOptions,
  WaitingRun,
  WakeReason,
} from "../../spec/index.js";
import { ORPHAN_BLOB_GRACE_MS } from "../blob-hash.js";
import { DEFAULT_MAX_EVENT_BYTES } from "../event-codec.js";
import type { Migration } from "../migrations/index.js";
import { DEFAULT_MAX_WAIT_MS } from "../work-signal.js";
import { SqliteAlerts } from "./alerts.js";
import { SqliteCheckpointer } from "./checkpointer.js";
import { SqliteClaims } from "./claims.js";
import {
  DEFAULT_BUSY_TIMEOUT_MS,
  mapSqliteError,
  openSqlite,
  type SqliteDatabase,
  sqliteTarget,
} from "./connection.js";
import { SqliteContent } from "./content.js";
import { SqliteGroupCommit } from "./group-commit.js";
import { SqliteJournal } from "./journal.js";
import { SqliteLearning } from "./learning.js";
import { migrateSqlite } from "./migrate.js";
import { type SqliteNotifier, sqliteNotifier } from "./notify.js";
import { SqliteRuns } from "./runs.js";
import { SqliteSpend } from "./spend.js";

export interface SqliteStoreOptions extends StoreOptions {
  /** Test hook: the migrations to apply instead of the released ones. */
  readonly migrations?: readonly Migration[];
}

/** Opens (creating if needed) and migrates a SQLite store at `path` (a file path or `:memory:`). */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const target = sqliteTarget(path);
  const now = options.now ?? Date.now;
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  const db = openSqlite(target, busyTimeoutMs);
  try {
    const schemaVersion = migrateSqlite(db, target.path, now, options.migrations);
    const checkpointer =
      options.backgroundCheckpoint && !target.isMemory
        ? SqliteCheckpointer.start(db, target.path, { busyTimeoutMs })
        : undefined;
    return new SqliteStore(
      db,
      target.path,
      target.isMemory,
      schemaVersion,
      now,
      busyTimeoutMs,
      options,
      checkpointer,
    );
  } catch (error) {
    db.close();
    throw mapSqliteError(error, target.path, busyTimeoutMs);
  }
}

class SqliteStore implements Store {
  readonly specificationVersion = "v1";
  readonly kind = "sqlite";
  private readonly notifier: SqliteNotifier;
  private readonly journal: SqliteJournal;
  private readonly runs: SqliteRuns;
  private readonly claims: SqliteClaims;
  private readonly content: SqliteContent;
  private readonly group: SqliteGroupCommit;
  private readonly spend: SqliteSpend;
  private readonly alerts: SqliteAlerts;
  private readonly learning: SqliteLearning;
  private closed = false;

  constructor(
    private readonly db: SqliteDatabase,
    readonly target: string,
    isMemory: boolean,
    readonly schemaVersion: number,
    private readonly now: () => number,
    private readonly busyTimeoutMs: number,
    options: StoreOptions,
    private readonly checkpointer?: SqliteCheckpointer,
  ) {
    this.notifier = sqliteNotifier(target, isMemory);
    const notify = (): void => this.notifier.notify();
    this.content = new SqliteContent(db, target, now);
    this.journal = new SqliteJournal(
      db,
      now,
      options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
      notify,
      (bytes) => this.content.putBlob(bytes),
    );
    this.runs = new SqliteRuns(db, now, notify);
    this.claims = new SqliteClaims(db, now, notify);
    this.group = new SqliteGroupCommit(db, (error) => mapSqliteError(error, target, busyTimeoutMs));
    this.spend = new SqliteSpend(db, now);
    this.alerts = new SqliteAlerts(db);
    this.learning = new SqliteLearning(db);
  }

  /** A hot-path write: committed together with the other writes of this turn (group-commit.ts). */
  private write<T>(work: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`store ${this.target} is closed`));
    return this.group.enqueue(work);
  }

  /** Runs synchronous driver work, settling the promise with the result or a store error. */
  private run<T>(work: () => T): Promise<T> {
    try {
      if (this.closed) throw new Error(`store ${this.target} is closed`);
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(mapSqliteError(error, this.target, this.busyTimeoutMs));
    }
  }

  createRun(run: NewRun): Promise<RunRecord> {
    return this.run(() => this.runs.create(run, this.content.putBlob(run.definition)));
  }
  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.run(() => this.runs.get(runId));
  }
  listRuns(query?: ListRunsQuery): Promise<RunPage> {
    return this.run(() => this.runs.list(query));
  }
  updateRunStatus(
    runId: string,
    expected: RunStatus | readonly RunStatus[],
    next: RunStatus,
    options?: { readonly wakeAtMs?: number | null },
  ): Promise<RunRecord> {
    const from = typeof expected === "string" ? [expected] : expected;
    return this.run(() => this.runs.updateStatus(runId, from, next, options?.wakeAtMs));
  }
  appendEvents(
    runId: string,
    expectedNextSeq: number,
    events: readonly RunEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult> {
    return this.write(() => this.journal.append(runId, expectedNextSeq, events, options));
  }
  readEvents(runId: string, fromSeq?: number): Promise<JournalEntry[]> {
    return this.run(() => this.journal.read(runId, fromSeq));
  }
  readCallEvents(runId: string, callKey: string): Promise<JournalEntry[]> {
    return this.run(() => this.journal.readCallEvents(runId, callKey));
  }
  putBlob(bytes: Uint8Array): Promise<string> {
    return this.write(() => this.content.putBlob(bytes));
  }
  getBlob(hash: string): Promise<Uint8Array | undefined> {
    return this.run(() => this.content.getBlob(hash));
  }
  listDocumentVersions(runId: string, documentId?: string): Promise<DocumentVersionRecord[]> {
    return this.run(() => this.journal.listDocumentVersions(runId, documentId));
  }
  claimRuns(workerId: string, limit: number, leaseMs: number): Promise<RunRecord[]> {
    this.notifier.signal.beforeClaim();
    return this.run(() => this.claims.claimRuns(workerId, limit, leaseMs));
  }
  leaseRun(
    workerId: string,
    runId: string,
    leaseMs: number,
    takeFrom?: string,
  ): Promise<RunRecord | undefined> {
    return this.run(() => this.claims.leaseRun(workerId, runId, leaseMs, takeFrom));
  }
  heartbeat(workerId: string, runIds: readonly string[], leaseMs: number): Promise<string[]> {
    return this.run(() => this.claims.heartbeat(workerId, runIds, leaseMs));
  }
  releaseRun(workerId: string, runId: string): Promise<boolean> {
    return this.run(() => this.claims.releaseRun(workerId, runId));
  }
  async waitForWork(signal?: AbortSignal, maxWaitMs = DEFAULT_MAX_WAIT_MS): Promise<WakeReason> {
    const dueInMs = await this.run(() => this.claims.dueInMs());
    return await this.notifier.signal.wait(signal, dueInMs, maxWaitMs);
  }
  appendAlertEvents(events: readonly NewAlertEvent[]): Promise<void> {
    return this.run(() => this.alerts.append(events));
  }
  listAlertEvents(query?: AlertEventQuery): Promise<AlertEventRecord[]> {
    return this.run(() => this.alerts.list(query));
  }
  listWaitingRuns(limit = 100): Promise<WaitingRun[]> {
    return this.run(() => this.runs.listWaiting(limit));
  }
  reserveSpend(reservation: SpendReservation): Promise<ReserveResult> {
    return this.run(() => this.spend.reserve(reservation));
  }
  settleSpend(reservationId: string, settlement: SpendSettlement): Promise<void> {
    return this.run(() => this.spend.settleReservation(reservationId, settlement));
  }
  listSpend(query?: SpendQuery): Promise<SpendRecord[]> {
    return this.run(() => this.spend.list(query));
  }
  getCachedResponse(key: string): Promise<string | undefined> {
    return this.run(() => this.spend.cached(key));
  }
  putCachedResponse(key: string, response: string, ttlMs: number): Promise<void> {
    return this.run(() => this.spend.putCache(key, response, ttlMs));
  }
  expireSpendReservations(): Promise<number> {
    return this.run(() => this.spend.expireReservations());
  }
  deleteSpendOlderThan(cutoff: Date): Promise<SpendGcReport> {
    return this.run(() => this.spend.collect(cutoff.getTime()));
  }
  deleteRunsOlderThan(cutoff: Date): Promise<number> {
    return this.run(() => this.runs.deleteOlderThan(cutoff.getTime()));
  }
  deleteOrphanBlobs(olderThan?: Date): Promise<OrphanBlobReport> {
    return this.run(() =>
      this.content.deleteOrphanBlobs(olderThan?.getTime() ?? this.now() - ORPHAN_BLOB_GRACE_MS),
    );
  }
  recordQualityObservations(observations: readonly QualityObservation[]): Promise<number> {
    return this.run(() => this.learning.record(observations));
  }
  listQualityObservations(query?: QualityQuery): Promise<QualityObservation[]> {
    return this.run(() => this.learning.list(query));
  }
  recordFeedback(feedback: FeedbackRecord): Promise<void> {
    return this.run(() => this.learning.recordFeedback(feedback));
  }
  listFeedback(runId: string, stepId?: string): Promise<FeedbackRecord[]> {
    return this.run(() => this.learning.listFeedback(runId, stepId));
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.group.flush();
    this.closed = true;
    this.notifier.close();
    await this.checkpointer?.close();
    this.db.close();
  }
}
