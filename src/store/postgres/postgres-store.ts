/**
 * The PostgreSQL store: for many stateless workers on many machines. Composes the journal (with group
 * commit), runs, claims (SKIP LOCKED), content and the LISTEN connection over one pool. Every driver
 * error that means "cannot reach the database" becomes a `StoreUnavailableError` naming host:port.
 */
import type pg from "pg";
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
import { BLOB_CHUNK_BYTES, ORPHAN_BLOB_GRACE_MS } from "../blob-hash.js";
import { DEFAULT_MAX_EVENT_BYTES } from "../event-codec.js";
import type { Migration } from "../migrations/index.js";
import { DEFAULT_MAX_WAIT_MS } from "../work-signal.js";
import { PostgresAlerts } from "./alerts.js";
import { PostgresClaims } from "./claims.js";
import {
  createPool,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_CONNECTIONS,
  mapPostgresError,
  type PostgresTarget,
  postgresTarget,
} from "./connection.js";
import { PostgresContent } from "./content.js";
import { PostgresJournal } from "./journal.js";
import { PostgresLearning } from "./learning.js";
import { migratePostgres } from "./migrate.js";
import { PostgresListener } from "./notify.js";
import { PostgresRuns } from "./runs.js";
import { PostgresSpend } from "./spend.js";

export interface PostgresStoreOptions extends StoreOptions {
  /** Test hook: the migrations to apply instead of the released ones. */
  readonly migrations?: readonly Migration[];
}

/** Connects, migrates, and returns a store; throws a store error naming host:port when it cannot. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<Store> {
  const target = postgresTarget(url);
  const now = options.now ?? Date.now;
  const connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const pool = createPool(target, options.maxConnections ?? DEFAULT_MAX_CONNECTIONS, connectTimeoutMs);
  try {
    const client = await pool.connect();
    try {
      const schemaVersion = await migratePostgres(client, target, now, options.migrations);
      return new PostgresStore(pool, target, schemaVersion, now, connectTimeoutMs, options);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw mapPostgresError(error, target);
  }
}

class PostgresStore implements Store {
  readonly specificationVersion = "v1";
  readonly kind = "postgres";
  readonly target: string;
  private readonly journal: PostgresJournal;
  private readonly runs: PostgresRuns;
  private readonly claims: PostgresClaims;
  private readonly content: PostgresContent;
  private readonly spend: PostgresSpend;
  private readonly alerts: PostgresAlerts;
  private readonly learning: PostgresLearning;
  private readonly listener: PostgresListener;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly pgTarget: PostgresTarget,
    readonly schemaVersion: number,
    private readonly now: () => number,
    connectTimeoutMs: number,
    options: StoreOptions,
  ) {
    this.target = pgTarget.display;
    this.journal = new PostgresJournal(
      pool,
      pgTarget,
      now,
      options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES,
      (bytes) => this.content.putBlob(bytes),
    );
    this.runs = new PostgresRuns(pool, pgTarget.channel, now);
    this.claims = new PostgresClaims(pool, pgTarget.channel, now);
    this.content = new PostgresContent(pool, pgTarget, now);
    this.spend = new PostgresSpend(pool, now);
    this.alerts = new PostgresAlerts(pool);
    this.learning = new PostgresLearning(pool);
    this.listener = new PostgresListener(pgTarget, connectTimeoutMs);
  }

  /** Maps driver errors of `work` to store errors. */
  private async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.closing !== undefined) throw new Error(`store ${this.target} is closed`);
    try {
      return await work();
    } catch (error) {
      throw mapPostgresError(error, this.pgTarget);
    }
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    return this.run(async () => this.runs.create(run, await this.content.putBlob(run.definition)));
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
    const blobs = options?.blobs ?? [];
    const large = blobs.filter((bytes) => bytes.byteLength > BLOB_CHUNK_BYTES);
    if (large.length === 0)
      return this.run(() => this.journal.append(runId, expectedNextSeq, events, options));
    // Multi-chunk blobs first (chunk by chunk); single-chunk ones ride in the append statement.
    const small = blobs.filter((bytes) => bytes.byteLength <= BLOB_CHUNK_BYTES);
    return this.run(async () => {
      for (const bytes of large) await this.content.putBlob(bytes);
      return this.journal.append(runId, expectedNextSeq, events, { ...options, blobs: small });
    });
  }
  readEvents(runId: string, fromSeq?: number): Promise<JournalEntry[]> {
    return this.run(() => this.journal.read(runId, fromSeq));
  }
  readCallEvents(runId: string, callKey: string): Promise<JournalEntry[]> {
    return this.run(() => this.journal.readCallEvents(runId, callKey));
  }
  putBlob(bytes: Uint8Array): Promise<string> {
    return this.run(() => this.content.putBlob(bytes));
  }
  getBlob(hash: string): Promise<Uint8Array | undefined> {
    return this.run(() => this.content.getBlob(hash));
  }
  listDocumentVersions(runId: string, documentId?: string): Promise<DocumentVersionRecord[]> {
    return this.run(() => this.journal.listDocumentVersions(runId, documentId));
  }
  claimRuns(workerId: string, limit: number, leaseMs: number): Promise<RunRecord[]> {
    this.listener.signal.beforeClaim();
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
  waitForWork(signal?: AbortSignal, maxWaitMs = DEFAULT_MAX_WAIT_MS): Promise<WakeReason> {
    return this.run(async () => {
      if (signal?.aborted) return "aborted";
      // Just started listening: anything sent before was missed, so report a wake-up and let the caller claim.
      if (await this.listener.ensure()) return "notified";
      const dueInMs = await this.claims.dueInMs();
      return await this.listener.signal.wait(signal, dueInMs, maxWaitMs);
    });
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
    const cutoffMs = olderThan?.getTime() ?? this.now() - ORPHAN_BLOB_GRACE_MS;
    return this.run(() => this.content.deleteOrphanBlobs(cutoffMs));
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
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.journal.drain();
      await this.listener.close();
      await this.pool.end();
    })();
    return this.closing;
  }
}
