/**
 * The durable store contract (v1): what the runtime needs to make runs survive crashes and to spread them
 * over many workers. Types only; `src/store/sqlite` and `src/store/postgres` implement it and one
 * conformance suite (`src/store/testing/store-contract.ts`) runs against both real engines.
 *
 * Why this shape:
 * - A run is an append-only journal (`appendEvents`), never a snapshot: appends are small, replay is exact.
 * - Optimistic concurrency (`expectedNextSeq`) instead of locks: two processes resuming the same run both
 *   try to append; exactly one wins, the other gets `StoreConflictError` and re-reads. Leases only decide
 *   who *should* work on a run; the sequence check is what keeps the journal correct.
 * - Large content lives in content-addressed blobs, so events stay small and identical content is stored once.
 * - Every timestamp is epoch milliseconds from the injected clock (`StoreOptions.now`), so tests are exact.
 */
import type { DocumentRef, HumanInputRequestEvent, JsonValue, RunEvent } from "./events.js";
import type { FeedbackRecord, QualityObservation, QualityQuery } from "./routing.js";
import type { SpendStore } from "./spend.js";

export type RunStatus = "pending" | "running" | "waiting" | "succeeded" | "failed" | "cancelled";

/** Statuses a run never leaves on its own; appends to such a run are refused (it is sealed). */
export type TerminalRunStatus = "succeeded" | "failed" | "cancelled";

export interface NewRun {
  readonly id: string;
  readonly workflowName: string;
  /** Hash of `definition`, computed by the caller (the same hash the plan carries). */
  readonly workflowHash: string;
  /** Pinned bytes of the workflow and every file it uses; stored once as a blob (`definitionHash`). */
  readonly definition: Uint8Array;
  readonly inputs: JsonValue;
  /** Higher is claimed first; default 0. */
  readonly priority?: number;
  /**
   * Create the run already leased to this worker, so no other worker claims it while its creator drives
   * it (a foreground `quorum run` beside `quorum worker`s). Renew with `heartbeat`, end with `releaseRun`.
   */
  readonly lease?: { readonly workerId: string; readonly leaseMs: number };
}

export interface RunRecord {
  readonly id: string;
  readonly workflowName: string;
  readonly workflowHash: string;
  /** sha256 of the pinned definition; read it with `getBlob`. */
  readonly definitionHash: string;
  readonly inputs: JsonValue;
  readonly priority: number;
  readonly status: RunStatus;
  /** Seq the next appended event gets: the number of events in the journal. */
  readonly nextSeq: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** Worker holding the lease, if any (the lease may have expired: compare `leaseExpiresAtMs`). */
  readonly leaseOwner?: string;
  readonly leaseExpiresAtMs?: number;
  /** A `waiting` run becomes claimable at this time (durable timers: retry-after, deadlines). */
  readonly wakeAtMs?: number;
}

/** One journaled event with its position and time. */
export interface JournalEntry<E = RunEvent> {
  /** 0-based, gap-free, per run. */
  readonly seq: number;
  readonly atMs: number;
  readonly event: E;
}

export interface AppendOptions {
  /** Timestamp for every event of the batch; default the store clock. */
  readonly atMs?: number;
  /** Set the run status in the same transaction (e.g. `human-input-request` + `waiting`, `run-end` + `succeeded`). */
  readonly status?: RunStatus;
  /** Set (number) or clear (null) the wake-up time in the same transaction. */
  readonly wakeAtMs?: number | null;
  /**
   * Content to store as blobs before the events, which may reference their hashes (sha256, hex):
   * a step's documents and its end then cost one commit, not two. Stored even when the append is
   * refused (an unreferenced blob is garbage-collected like any orphan).
   */
  readonly blobs?: readonly Uint8Array[];
}

export interface AppendResult {
  /** Seq of the first appended event. */
  readonly firstSeq: number;
  /** The run's next seq after this append: pass it as `expectedNextSeq` next time. */
  readonly nextSeq: number;
  readonly atMs: number;
}

export interface ListRunsQuery {
  readonly status?: RunStatus;
  readonly workflowName?: string;
  /** Default 50, at most 1000. */
  readonly limit?: number;
  /** `nextCursor` of the previous page. */
  readonly cursor?: string;
}

export interface RunPage {
  /** Newest first. */
  readonly runs: readonly RunRecord[];
  /** Present when more runs follow. */
  readonly nextCursor?: string;
}

/**
 * Lineage of one document version, read from its `document-version` event. Its bytes are `content`
 * (UTF-8) when the event carries them, else the blob `blobHash`.
 */
export interface DocumentVersionRecord {
  readonly runId: string;
  readonly documentId: string;
  readonly version: number;
  readonly blobHash: string;
  readonly sizeBytes: number;
  readonly stepId: string;
  readonly attempt: number;
  readonly model?: string;
  readonly inputVersions: readonly DocumentRef[];
  /** Seq of the `document-version` event. */
  readonly seq: number;
  readonly createdAtMs: number;
  /** The text of a small document, carried by its event (no blob is stored for it). */
  readonly content?: string;
}

/** A run waiting for a person, with the requests still unanswered. */
export interface WaitingRun {
  readonly run: RunRecord;
  readonly openRequests: readonly JournalEntry<HumanInputRequestEvent>[];
}

/** Why `waitForWork` returned. Every reason means "try `claimRuns` again" except `aborted`. */
export type WakeReason = "notified" | "due" | "timeout" | "aborted";

export interface OrphanBlobReport {
  readonly blobsDeleted: number;
  readonly bytesDeleted: number;
}

export interface StoreOptions {
  /** Clock in epoch ms; default `Date.now`. */
  readonly now?: () => number;
  /** SQLite: how long to wait for a lock held by another process; default 5000. */
  readonly busyTimeoutMs?: number;
  /** Events larger than this are refused: put large content in a blob; default 1 MiB. */
  readonly maxEventBytes?: number;
  /** PostgreSQL: pool size; default 10. */
  readonly maxConnections?: number;
  /** PostgreSQL: connect timeout; default 5000. */
  readonly connectTimeoutMs?: number;
  /**
   * SQLite (file): checkpoint the WAL from a worker thread instead of inside whichever commit crosses
   * 1,000 pages, so no step's commit pays for a checkpoint. Default false; the CLI turns it on for the
   * processes that run workflows (one extra thread per store).
   */
  readonly backgroundCheckpoint?: boolean;
}

export interface Store extends SpendStore {
  readonly specificationVersion: "v1";
  readonly kind: "sqlite" | "postgres";
  /** Where the store points, without secrets: a file path or `host:port/database`. */
  readonly target: string;

  // Runs
  /** Creates a `pending` run. Throws `StoreConflictError` (`exists`) when the id is taken. */
  createRun(run: NewRun): Promise<RunRecord>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  listRuns(query?: ListRunsQuery): Promise<RunPage>;
  /**
   * Moves a run from one of `expected` to `next`; throws `StoreConflictError` (`status`) when it is in
   * another status, `StoreNotFoundError` when missing. Terminal statuses also clear the lease.
   */
  updateRunStatus(
    runId: string,
    expected: RunStatus | readonly RunStatus[],
    next: RunStatus,
    options?: { readonly wakeAtMs?: number | null },
  ): Promise<RunRecord>;

  // Journal
  /**
   * Appends `events` atomically at `expectedNextSeq`, `expectedNextSeq + 1`, … Throws
   * `StoreConflictError` (`seq`) when another writer appended first, (`status`) when the run is sealed
   * (terminal), `StoreNotFoundError` when the run does not exist.
   */
  appendEvents(
    runId: string,
    expectedNextSeq: number,
    events: readonly RunEvent[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** Events with `seq >= fromSeq` (default 0), in order. */
  readEvents(runId: string, fromSeq?: number): Promise<JournalEntry[]>;
  /**
   * Every event of the run carrying `callKey`, in order (index lookup). A recorded result is a
   * `model-call-end`/`tool-call-end` among them; a lone `-start` means the call was in flight at a crash.
   */
  readCallEvents(runId: string, callKey: string): Promise<JournalEntry[]>;

  // Blobs
  /** Stores bytes under their sha256 (lowercase hex) and returns it; idempotent. */
  putBlob(bytes: Uint8Array): Promise<string>;
  /** A document whose event carries its `content` has no blob: read it from the event or its record. */
  getBlob(hash: string): Promise<Uint8Array | undefined>;

  // Documents
  /** Document versions of a run, by document id then version, read from its `document-version` events. */
  listDocumentVersions(runId: string, documentId?: string): Promise<DocumentVersionRecord[]>;

  // Work claiming
  /**
   * Leases up to `limit` runnable runs (pending/running, or waiting with `wakeAtMs` due) whose lease is
   * free or expired, highest priority then oldest first. Two workers never get the same run.
   */
  claimRuns(workerId: string, limit: number, leaseMs: number): Promise<RunRecord[]>;
  /**
   * Leases one given run to `workerId` (a `quorum resume`, or an answer that continues the run here)
   * when it is not finished and its lease is free, expired or already `workerId`'s. Returns the leased
   * record, or undefined when another process holds a live lease or the run is finished or missing
   * (`getRun` says which): two processes never drive one run, so no call is paid twice. `takeFrom`: a
   * holder the caller knows is dead (a killed process on its own machine) whose live lease it may take.
   */
  leaseRun(
    workerId: string,
    runId: string,
    leaseMs: number,
    takeFrom?: string,
  ): Promise<RunRecord | undefined>;
  /** Extends leases; returns the ids still held by `workerId` (stop working on the others). */
  heartbeat(workerId: string, runIds: readonly string[], leaseMs: number): Promise<string[]>;
  /** Gives a lease back (e.g. the run now waits for a person); false when not held by `workerId`. */
  releaseRun(workerId: string, runId: string): Promise<boolean>;
  /**
   * Resolves when there may be work: a run was created or resumed (PostgreSQL NOTIFY, SQLite in-process),
   * a lease expired or a wake time came due, `maxWaitMs` (default 60000) passed, or `signal` aborted.
   * Never polls while idle. Call `claimRuns` after it returns.
   */
  waitForWork(signal?: AbortSignal, maxWaitMs?: number): Promise<WakeReason>;

  // Waits
  /** `waiting` runs with their unanswered `human-input-request` events, oldest first. */
  listWaitingRuns(limit?: number): Promise<WaitingRun[]>;

  // Garbage collection
  /** Deletes terminal runs last updated before `cutoff`, with their events, documents and blob refs. */
  deleteRunsOlderThan(cutoff: Date): Promise<number>;
  /** Deletes blobs nothing references that were stored before `olderThan` (default: one hour ago). */
  deleteOrphanBlobs(olderThan?: Date): Promise<OrphanBlobReport>;

  // Alert history (migration 0004)
  /** Records alert transitions (firing/resolved), in order; the store assigns `seq`. */
  appendAlertEvents(events: readonly NewAlertEvent[]): Promise<void>;
  /** Alert transitions with `atMs >= sinceMs` (default all), oldest first, at most `limit` (default 1000). */
  listAlertEvents(query?: AlertEventQuery): Promise<AlertEventRecord[]>;
  // Learning (routing): evidence of model quality per task type; it outlives the runs it came from.
  /** Records observations; an id already stored is ignored (idempotent). Returns how many were new. */
  recordQualityObservations(observations: readonly QualityObservation[]): Promise<number>;
  /** Observations matching `query`, newest first. */
  listQualityObservations(query?: QualityQuery): Promise<QualityObservation[]>;
  /** Stores a person's rating of a step; an id already stored is ignored. Deleted with its run. */
  recordFeedback(feedback: FeedbackRecord): Promise<void>;
  /** Ratings of a run (optionally one step), oldest first. */
  listFeedback(runId: string, stepId?: string): Promise<FeedbackRecord[]>;

  /** Schema version of the open database. */
  readonly schemaVersion: number;
  close(): Promise<void>;
}

/**
 * An alert rule changed state. Kept apart from run journals: alerts are about many runs, and a monitor
 * restarting must know which rules were already firing so it does not page anyone twice.
 */
export interface NewAlertEvent {
  readonly rule: string;
  readonly state: "firing" | "resolved";
  readonly atMs: number;
  readonly metric: string;
  /** The measured value that caused the transition (null when the metric had no data). */
  readonly value: number | null;
  readonly threshold: number;
  readonly windowMs: number;
  readonly message: string;
}

export interface AlertEventRecord extends NewAlertEvent {
  /** Increasing per store, in insertion order. */
  readonly seq: number;
}

export interface AlertEventQuery {
  readonly sinceMs?: number;
  readonly limit?: number;
}
