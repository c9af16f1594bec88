/**
 * Group commit for the SQLite store: writes issued in the same turn of the event loop (the journal
 * appends of many runs, a document's blob) run in ONE transaction, each inside its own savepoint.
 *
 * Why: a SQLite commit costs far more than the statements in it (the WAL append and its bookkeeping),
 * and 200 concurrent runs each committing on their own spend most of their time there. Why savepoints:
 * better-sqlite3 turns a `db.transaction()` called inside an open transaction into a savepoint, so an
 * item that fails (a sequence conflict, a sealed run) rolls back alone and the others still commit.
 * Every caller resolves only after the COMMIT, so "resolved" still means durable; if the COMMIT itself
 * fails (disk full), every item of the batch rejects with that error.
 */
import type { SqliteDatabase } from "./connection.js";

interface Item {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class SqliteGroupCommit {
  private queue: Item[] = [];

  constructor(
    private readonly db: SqliteDatabase,
    /** Driver error -> store error. */
    private readonly mapError: (error: unknown) => unknown,
  ) {}

  /** Runs `work` (which must be synchronous) in the next group transaction; resolves after it commits. */
  enqueue<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      // A microtask, not a macrotask: callers that issue their writes in one synchronous burst (the
      // journal writers flushed by one timer) share a commit, and a lone write waits for nothing.
      if (this.queue.length === 1) queueMicrotask(() => this.flush());
    });
  }

  /** Runs everything queued now (also used before close, so nothing queued is dropped). */
  flush(): void {
    const items = this.queue;
    this.queue = [];
    if (items.length === 0) return;
    if (items.length === 1 || this.db.inTransaction) {
      for (const item of items) settle(item, this.attempt(item));
      return;
    }
    try {
      this.db.exec("BEGIN IMMEDIATE");
    } catch (error) {
      for (const item of items) item.reject(this.mapError(error));
      return;
    }
    const outcomes = items.map((item) => this.attempt(item));
    try {
      this.db.exec("COMMIT");
    } catch (error) {
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      for (const item of items) item.reject(this.mapError(error));
      return;
    }
    for (const [index, item] of items.entries()) settle(item, outcomes[index]!);
  }

  private attempt(item: Item): Outcome {
    try {
      return { ok: true, value: item.work() };
    } catch (error) {
      return { ok: false, error: this.mapError(error) };
    }
  }
}

function settle(item: Item, outcome: Outcome): void {
  if (outcome.ok) item.resolve(outcome.value);
  else item.reject(outcome.error);
}
