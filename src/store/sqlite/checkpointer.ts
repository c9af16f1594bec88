/**
 * WAL checkpoints off the commit path. SQLite's automatic checkpoint runs inside whichever commit
 * pushes the WAL past 1,000 pages: that commit then copies the WAL into the database file and fsyncs
 * it, which is the 5–10 ms tail every ~90 steps of a chain (and, on a DAG, a stall of whatever step
 * commits then). Here the writing connection turns the automatic checkpoint off and a worker thread
 * with its own connection runs `wal_checkpoint(PASSIVE)` every `intervalMs`: PASSIVE never blocks the
 * writer, and SQLite restarts the WAL from its start once everything in it is checkpointed.
 *
 * The worker's code is a string (`eval`), so it runs the same from `src/` under a TypeScript loader
 * and from `dist/`; it loads the exact better-sqlite3 this module resolved. If the thread cannot start
 * or dies, the writing connection gets its automatic checkpoint back: never a WAL that grows forever.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import type { SqliteDatabase } from "./connection.js";

const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
const checkpoint = () => {
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (error) {
    // Busy or locked: the next tick tries again. Anything else ends the thread (the writer takes over).
    if (!/BUSY|LOCKED/.test(String(error && error.code))) throw error;
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on("message", (message) => {
  if (message !== "close") return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
parentPort.postMessage("ready");
`;

/** SQLite's default `wal_autocheckpoint`, restored when the worker is gone. */
const AUTOCHECKPOINT_PAGES = 1000;

export class SqliteCheckpointer {
  private closing: Promise<void> | undefined;

  private constructor(private readonly worker: Worker) {}

  /**
   * Starts the worker for the database at `path` and turns off `db`'s automatic checkpoint. Returns
   * undefined (and leaves `db` as it was) where a worker thread cannot be started.
   */
  static start(
    db: SqliteDatabase,
    path: string,
    options: { busyTimeoutMs: number; intervalMs?: number },
  ): SqliteCheckpointer | undefined {
    let worker: Worker;
    try {
      const driver = createRequire(import.meta.url).resolve("better-sqlite3");
      worker = new Worker(workerSource, {
        eval: true,
        workerData: {
          driver,
          path,
          busyTimeoutMs: options.busyTimeoutMs,
          intervalMs: options.intervalMs ?? 100,
        },
      });
    } catch {
      return undefined;
    }
    // The thread never keeps the process alive: a `quorum run` that is done exits at once.
    worker.unref();
    const restore = () => {
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    };
    worker.on("error", restore);
    worker.on("exit", restore);
    db.pragma("wal_autocheckpoint = 0");
    return new SqliteCheckpointer(worker);
  }

  /** Runs a last checkpoint, closes the worker's connection and waits for the thread to end. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      // Held while closing: an unref'd thread would let the process end with this close still pending.
      this.worker.ref();
      const timeout = setTimeout(() => {
        void this.worker.terminate().then(() => resolve());
      }, 2_000);
      timeout.unref();
      this.worker.once("exit", () => {
        clearTimeout(timeout);
        resolve();
      });
      this.worker.postMessage("close");
    });
    return this.closing;
  }
}
