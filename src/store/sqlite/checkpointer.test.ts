import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import type { RunEvent, Store } from "../../spec/index.js";
import { newRun, runStart } from "../testing/fixtures.js";
import { SqliteCheckpointer } from "./checkpointer.js";
import { openSqliteStore } from "./sqlite-store.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function fill(store: Store, appends: number): Promise<void> {
  await store.createRun(newRun("run-1"));
  await store.appendEvents("run-1", 0, [runStart]);
  const payload = "x".repeat(2_000);
  for (let seq = 1; seq <= appends; seq++) {
    const event = { type: "step-start", stepId: `s${seq}`, attempt: 1, note: payload } as unknown as RunEvent;
    await store.appendEvents("run-1", seq, [event]);
  }
}

const sizeOf = (path: string) => statSync(path).size;

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

describe("background WAL checkpoints", () => {
  it("copy the WAL into the database from a worker thread, never inside a commit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quorum-checkpoint-"));
    dirs.push(dir);
    const path = join(dir, "q.db");
    const db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT)");
    const checkpointer = SqliteCheckpointer.start(db, path, { busyTimeoutMs: 5_000, intervalMs: 20 });
    expect(checkpointer).toBeDefined();
    // The writer no longer checkpoints by itself...
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(0);
    const before = sizeOf(path);
    const insert = db.prepare("INSERT INTO t (payload) VALUES (?)");
    for (let i = 0; i < 2_000; i++) insert.run("x".repeat(2_000));
    // ...so only the worker can have moved ~4 MB of WAL into the database file.
    expect(await until(() => sizeOf(path) > before + 3_000_000, 5_000)).toBe(true);
    await checkpointer!.close();
    // Without the worker the writer checkpoints by itself again.
    expect(db.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    db.close();
  }, 30_000);

  it("a store with them keeps every event across close and reopen", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quorum-checkpoint-"));
    dirs.push(dir);
    const path = join(dir, "q.db");
    const store = openSqliteStore(path, { backgroundCheckpoint: true });
    await fill(store, 2_000);
    await store.close();
    const again = openSqliteStore(path);
    expect(await again.readEvents("run-1")).toHaveLength(2_001);
    await again.close();
  }, 30_000);

  it("close ends the thread; the data written just before it is durable", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quorum-checkpoint-"));
    dirs.push(dir);
    const path = join(dir, "q.db");
    const store = openSqliteStore(path, { backgroundCheckpoint: true });
    await fill(store, 50);
    await store.close();
    const again = openSqliteStore(path, { backgroundCheckpoint: true });
    expect(await again.readEvents("run-1")).toHaveLength(51);
    await again.close();
  });
});
