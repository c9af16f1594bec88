/**
 * Appends a run's events in order, batching everything queued in the same event-loop turn into one store
 * transaction (group commit).
 *
 * Events are applied to the engine state when they are queued (`onQueued`), so the next step can be
 * decided without waiting for a commit; they are reported as durable (`onDurable`) once committed. This
 * is safe because the writer keeps order and every effect outside the process (a model or tool call, a
 * request to a person, the run's end) first awaits an append of its own: that commit carries everything
 * queued before it. A crash before it loses only work that had no outside effect yet, which the journal
 * then simply does not contain, and the step runs again.
 */
import { StoreConflictError } from "../errors/index.js";
import type { AppendOptions, RunEvent, Store } from "../spec/index.js";

/**
 * One macrotask flushes every writer with something queued, so the appends of all runs in this process
 * reach the store in one synchronous burst: a store with group commit (SQLite's) writes them in one
 * transaction instead of one per run.
 */
const dirty = new Set<() => void>();
function scheduleFlush(start: () => void): void {
  dirty.add(start);
  if (dirty.size === 1)
    setImmediate(() => {
      const starts = [...dirty];
      dirty.clear();
      for (const go of starts) go();
    });
}

/**
 * Appends of one run awaiting durability in the same turn, beyond which the group commits at once (after
 * the current callback's microtasks) instead of at the end of the turn. When a fan-out's calls all
 * answer in one timer tick, committing the whole wave at the end makes every lane wait for all the
 * others' work, and they stay in lockstep; groups of this size let the first lanes' next calls leave
 * while later lanes are still being processed, so the lanes drift apart and overlap their waits.
 * Measured in docs/performance.md (map fan-out ×1.49–1.53 → ×1.29–1.34 side by side; 5, 8, 15 and 20 did
 * worse: smaller groups pay more commits, larger ones keep more lanes waiting).
 */
const earlyCommitWaiters = 10;

/** Content to store with an append, with its sha256 (computed once, by whoever made the content). */
export interface BlobWrite {
  readonly hash: string;
  readonly bytes: Uint8Array;
}

const ignore = (): void => undefined;

/** What a process that does not drive a run may append to it (`Runtime.respond`, `wakeParent`). */
const adoptable = new Set<RunEvent["type"]>(["human-input-response", "child-run-resume"]);

interface Pending {
  events: RunEvent[];
  options: AppendOptions | undefined;
  /** Blobs the events reference, stored in the same transaction. */
  blobs: readonly BlobWrite[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class JournalWriter {
  private queue: Pending[] = [];
  /** Blobs queued with events but not yet committed, by hash: readers of this run see them at once. */
  private readonly pendingBlobs = new Map<string, Uint8Array>();
  private flushing: Promise<void> | undefined;
  /** Starts the scheduled flush; appends awaiting it since it was scheduled. */
  private start: () => void = () => undefined;
  private waiters = 0;

  constructor(
    private readonly store: Store,
    private readonly runId: string,
    public nextSeq: number,
    /** Called synchronously with each append's events, in order, when they are queued. */
    private readonly onQueued: (events: readonly RunEvent[]) => void,
    /** Called with each durable batch, in order. */
    private readonly onDurable: (events: readonly RunEvent[]) => void = () => undefined,
  ) {}

  /** The error that stopped this writer: once an append fails, every later one fails the same way. */
  failure: unknown;

  /**
   * Queue events without waiting for them to be durable. Ordering is kept (they commit before anything
   * appended later), and a failure poisons the writer, so the next awaited append reports it.
   */
  record(events: RunEvent[], blobs: readonly BlobWrite[] = []): void {
    if (this.failure !== undefined) return;
    this.onQueued(events);
    // No promise: nothing waits for it (one per answered call of a wide fan-out adds up).
    this.enqueue({ events, options: undefined, blobs, resolve: ignore, reject: ignore }, false);
  }

  /** `awaited`: the caller waits for durability (counts towards an early group commit). */
  append(
    events: RunEvent[],
    options?: AppendOptions,
    blobs: readonly BlobWrite[] = [],
    awaited = true,
  ): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.onQueued(events);
    return new Promise((resolve, reject) => {
      this.enqueue({ events, options, blobs, resolve, reject }, awaited);
    });
  }

  private enqueue(pending: Pending, awaited: boolean): void {
    for (const blob of pending.blobs) this.pendingBlobs.set(blob.hash, blob.bytes);
    this.queue.push(pending);
    // Flush after the current macrotask, not the current microtask: steps finishing in the same turn of
    // the event loop (a fan-out's completions, a step-end and the next step-start) share one commit.
    // Appends still resolve only once durable, so nothing runs ahead of its journal.
    if (!this.flushing) {
      this.waiters = 0;
      this.flushing = new Promise<void>((go) => {
        this.start = go;
        scheduleFlush(go);
      }).then(() => this.flush());
    }
    if (awaited && ++this.waiters === earlyCommitWaiters) {
      const go = this.start;
      process.nextTick(() => {
        if (!dirty.delete(go)) return;
        go();
      });
    }
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      // At most one append with options (a status change, a wake-up time) per batch: its options apply to
      // the whole batch, in the same transaction (a run's last events and its run-end commit together;
      // run-start commits with the first step's start). The runs row only records where the journal
      // stands, so when in the batch the change falls does not matter; two changes go in two batches.
      const batch = this.takeBatch();
      const options = batch.find((p) => p.options)?.options;
      // Loops, not flatMap: this runs once per commit of every run, and flatMap showed in profiles.
      const events: RunEvent[] = [];
      const blobs: BlobWrite[] = [];
      for (const p of batch) {
        for (const event of p.events) events.push(event);
        for (const blob of p.blobs) blobs.push(blob);
      }
      const withBlobs = blobs.length > 0 ? { ...options, blobs: blobs.map((b) => b.bytes) } : options;
      try {
        const result = await this.store.appendEvents(this.runId, this.nextSeq, events, withBlobs);
        this.nextSeq = result.nextSeq;
        for (const blob of blobs) this.pendingBlobs.delete(blob.hash);
        this.onDurable(events);
        for (const p of batch) p.resolve();
      } catch (appendError) {
        let error = appendError;
        if (error instanceof StoreConflictError && error.reason === "seq") {
          // Another process answered a request of this run (or woke a step waiting on its child) while
          // this one drives it: take those in and append after them, instead of giving the run up.
          let adopted = false;
          try {
            adopted = await this.adoptForeign();
          } catch (readError) {
            error = readError;
          }
          if (adopted) {
            this.queue.unshift(...batch);
            continue;
          }
        }
        // The journal on disk no longer matches what was queued: stop here; the run is resumed from the store.
        this.failure = error;
        for (const p of batch) p.reject(error);
        for (const p of this.queue.splice(0)) p.reject(error);
      }
    }
    this.flushing = undefined;
  }

  /**
   * Events other processes appended to this run since our last commit, taken in when every one of them
   * is something another process may append to a run it does not drive (a person's answer, a child's
   * wake-up): they only let a waiting step go on, so folding them in after what this writer queued
   * decides the same. Anything else (a cancel, another driver) is not adopted: false.
   */
  async adoptForeign(): Promise<boolean> {
    const foreign = (await this.store.readEvents(this.runId, this.nextSeq)).map((e) => e.event);
    if (foreign.length === 0 || !foreign.every((e) => adoptable.has(e.type))) return false;
    this.onQueued(foreign);
    this.onDurable(foreign);
    this.nextSeq += foreign.length;
    return true;
  }

  private takeBatch(): Pending[] {
    let withOptions = false;
    let taken = 0;
    for (const p of this.queue) {
      if (p.options) {
        if (withOptions) break;
        withOptions = true;
      }
      taken++;
    }
    return this.queue.splice(0, taken);
  }

  /**
   * Content by hash: a blob queued with this run's events (applied to the state already, committed
   * soon), else the store's. Readers of this run's documents go through here.
   */
  getBlob(hash: string): Promise<Uint8Array | undefined> {
    const pending = this.pendingBlobs.get(hash);
    return pending ? Promise.resolve(pending) : this.store.getBlob(hash);
  }

  /** Resolves once everything queued so far is durable (or failed). */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}
