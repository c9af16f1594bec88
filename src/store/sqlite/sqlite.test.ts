import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { StoreCorruptError, StoreUnavailableError } from "../../errors/index.js";
import { openStore } from "../index.js";
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from "../migrations/index.js";
import { newRun, runStart } from "../testing/fixtures.js";
import { describeStoreContract } from "../testing/store-contract.js";
import { openSqliteStore } from "./index.js";

const temporaryDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "quorum-sqlite-"));
  temporaryDirs.push(dir);
  return dir;
}

describeStoreContract("sqlite (file)", async () => {
  const dir = mkdtempSync(join(tmpdir(), "quorum-sqlite-contract-"));
  const path = join(dir, "nested", "quorum.db");
  return {
    open: async (options) => openSqliteStore(path, options),
    sharesData: true,
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describeStoreContract(
  "sqlite (:memory:)",
  async () => ({
    open: async (options) => openSqliteStore(":memory:", options),
    sharesData: false,
    cleanup: async () => {},
  }),
  [
    {
      reason: "a :memory: database lives only as long as its connection, so it cannot be reopened",
      tests: ["migrations are idempotent", "refuses a schema written by a newer quorum"],
    },
  ],
);

describe("sqlite store specifics", () => {
  afterEach(() => {
    for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("creates the parent directory, uses WAL and marks the file as a quorum store", async () => {
    const path = join(tempDir(), "a", "b", "quorum.db");
    const store = await openStore(`sqlite:${path}`);
    expect(store.kind).toBe("sqlite");
    expect(store.target).toBe(resolve(path));
    const raw = new Database(path);
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(raw.pragma("application_id", { simple: true })).toBe(0x51524d31);
    raw.close();
    await store.close();
  });

  it("a directory it cannot create gives StoreUnavailableError, and never hangs", async () => {
    const file = join(tempDir(), "file");
    writeFileSync(file, "x");
    const paths = [join(file, "quorum.db"), ...(process.platform === "linux" ? ["/proc/quorum-x/q.db"] : [])];
    for (const path of paths) {
      const error = await openStore(`sqlite:${path}`).catch((e: unknown) => e);
      expect(error, path).toBeInstanceOf(StoreUnavailableError);
      expect((error as Error).message, path).toMatch(/cannot create its directory/);
    }
  });

  it("a file that is not a database gives StoreCorruptError, not a driver stack", async () => {
    const path = join(tempDir(), "garbage.db");
    writeFileSync(path, Buffer.alloc(8192, "this is not sqlite "));
    const error = (() => {
      try {
        openSqliteStore(path);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StoreCorruptError);
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/not a readable quorum database/);
  });

  it("a damaged database file gives StoreCorruptError when opened or read", async () => {
    const path = join(tempDir(), "damaged.db");
    const store = openSqliteStore(path);
    for (let i = 0; i < 50; i++)
      await store.createRun(newRun(`run-${i}`, { inputs: { pad: "x".repeat(2000) } }));
    await store.close();
    const raw = new Database(path);
    const pageSize = raw.pragma("page_size", { simple: true }) as number;
    raw.close();
    const file = Buffer.alloc(pageSize * 4, 0xa5);
    const { openSync, writeSync, closeSync } = await import("node:fs");
    const fd = openSync(path, "r+");
    writeSync(fd, file, 0, file.length, pageSize); // keep the header, trash the pages after it
    closeSync(fd);
    const error = await (async () => {
      const reopened = openSqliteStore(path);
      try {
        await reopened.listRuns({ limit: 1000 });
        for (let i = 0; i < 50; i++) await reopened.getRun(`run-${i}`);
      } finally {
        await reopened.close();
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreCorruptError);
  });

  it("a SQLite database of another application is refused", async () => {
    const path = join(tempDir(), "other.db");
    const raw = new Database(path);
    raw.exec("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)");
    raw.close();
    expect(() => openSqliteStore(path)).toThrow(StoreCorruptError);
    expect(() => openSqliteStore(path)).toThrow(/another application.*users/);
  });

  it("a database locked beyond busyTimeoutMs gives StoreUnavailableError", async () => {
    const path = join(tempDir(), "locked.db");
    const store = openSqliteStore(path, { busyTimeoutMs: 50 });
    await store.createRun(newRun("run-1"));
    const other = new Database(path);
    other.exec("BEGIN EXCLUSIVE");
    const error = await store.appendEvents("run-1", 0, [runStart]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/locked by another connection for more than 50 ms/);
    other.exec("ROLLBACK");
    other.close();
    expect((await store.appendEvents("run-1", 0, [runStart])).nextSeq).toBe(1);
    await store.close();
  });

  it("opening a current database and reading it does not wait for another connection's write lock", async () => {
    const path = join(tempDir(), "busy.db");
    const first = openSqliteStore(path);
    await first.createRun(newRun("run-1"));
    await first.close();
    const other = new Database(path);
    other.exec("BEGIN IMMEDIATE");
    other
      .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
      .run(999, "x", 0);
    try {
      const started = Date.now();
      const store = await openStore(`sqlite:${path}`, { busyTimeoutMs: 2000 });
      try {
        expect((await store.getRun("run-1"))?.id).toBe("run-1");
        expect((await store.listRuns()).runs.map((r) => r.id)).toEqual(["run-1"]);
      } finally {
        await store.close();
      }
      expect(Date.now() - started).toBeLessThan(1000);
      // the same with EXCLUSIVE, which in WAL mode still lets readers through
      other.exec("ROLLBACK");
      other.exec("BEGIN EXCLUSIVE");
      other
        .prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)")
        .run(999, "x", 0);
      const again = openSqliteStore(path, { busyTimeoutMs: 2000 });
      expect((await again.getRun("run-1"))?.id).toBe("run-1");
      await again.close();
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
  });

  it("a fresh file is still migrated, and a pending migration still waits for the write lock", async () => {
    const path = join(tempDir(), "fresh.db");
    const store = openSqliteStore(path);
    expect(store.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
    expect((await store.listRuns()).runs).toEqual([]);
    await store.close();
    const raw = new Database(path);
    expect(raw.prepare("SELECT max(version) FROM schema_migrations").pluck().get()).toBe(
      LATEST_SCHEMA_VERSION,
    );
    expect(raw.pragma("application_id", { simple: true })).toBe(0x51524d31);
    raw.exec("BEGIN IMMEDIATE");
    const probe = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: "probe",
      sqlite: "CREATE TABLE probe (x)",
      postgres: "",
    };
    const error = (() => {
      try {
        openSqliteStore(path, { busyTimeoutMs: 50, migrations: [...MIGRATIONS, probe] });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StoreUnavailableError);
    raw.exec("ROLLBACK");
    raw.close();
    const upgraded = openSqliteStore(path, { migrations: [...MIGRATIONS, probe] });
    expect(upgraded.schemaVersion).toBe(probe.version);
    await upgraded.close();
  });

  it("two processes appending to one run on one file never lose or duplicate a seq", async () => {
    const path = join(tempDir(), "shared.db");
    const store = openSqliteStore(path);
    await store.createRun(newRun("run-1"));
    const worker = resolve(import.meta.dirname, "../../../test/support/sqlite-append-worker.ts");
    const run = promisify(execFile);
    const spawnWriter = (writer: string) =>
      run(process.execPath, ["--import", "tsx", worker, path, "run-1", writer, "150"], {
        cwd: resolve(import.meta.dirname, "../../.."),
      });
    const outputs = await Promise.all([spawnWriter("a"), spawnWriter("b")]);
    const results = outputs.map((o) => JSON.parse(o.stdout) as { appended: number; conflicts: number });
    expect(results.map((r) => r.appended)).toEqual([150, 150]);
    const journal = await store.readEvents("run-1");
    expect(journal.map((e) => e.seq)).toEqual([...Array(300).keys()]);
    const byWriter = (w: string) =>
      journal.filter((e) => e.event.type === "step-start" && e.event.stepId.startsWith(`${w}-`));
    expect(byWriter("a")).toHaveLength(150);
    expect(byWriter("b")).toHaveLength(150);
    await store.close();
  }, 60_000);

  it("kill -9 in the middle of appending leaves a consistent journal", async () => {
    const path = join(tempDir(), "killed.db");
    const store = openSqliteStore(path);
    await store.createRun(newRun("run-1"));
    await store.close();
    const worker = resolve(import.meta.dirname, "../../../test/support/sqlite-append-worker.ts");
    const child = spawn(process.execPath, ["--import", "tsx", worker, path, "run-1", "a", "1000000"], {
      cwd: resolve(import.meta.dirname, "../../.."),
      stdio: "ignore",
    });
    // Let it get well into appending, then kill it without warning.
    const watcher = openSqliteStore(path);
    const deadline = Date.now() + 20_000;
    while (((await watcher.getRun("run-1"))?.nextSeq ?? 0) < 200 && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 20));
    }
    await watcher.close();
    child.kill("SIGKILL");
    await new Promise((done) => child.once("exit", done));
    const reopened = openSqliteStore(path);
    const run = await reopened.getRun("run-1");
    const journal = await reopened.readEvents("run-1");
    expect(journal.length).toBeGreaterThan(0);
    expect(run?.nextSeq).toBe(journal.length);
    expect(journal.map((e) => e.seq)).toEqual([...Array(journal.length).keys()]);
    await reopened.close();
    const raw = new Database(path);
    expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
    raw.close();
  }, 30_000);
});
