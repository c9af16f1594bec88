/**
 * Stores for the engine benches: a fresh SQLite file (WAL, the store's own pragmas) or a fresh
 * schema in a PostgreSQL database (fsync on: `QUORUM_BENCH_POSTGRES_URL`, else a throwaway cluster
 * from test/support/postgres.ts), plus the "one bare INSERT per step" floor on the same engine.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { Runtime, type RuntimeDeps } from "../../src/runtime/index.js";
import type { ModelClient, Store } from "../../src/spec/index.js";
import { builtinExecutors } from "../../src/steps/index.js";
import { openStore } from "../../src/store/index.js";
import { startTestPostgres, type TestPostgres } from "../../test/support/postgres.js";

export type Engine = "sqlite" | "sqlite-memory" | "postgres";

/** Where stores come from for one bench session; `close()` removes everything it made. */
export interface StoreFactory {
  engine: Engine;
  /** A fresh, empty store (new file or new schema). */
  open(label: string): Promise<Store>;
  /** Inserts one row per call, durably, on the same engine: the floor of a journaled step. */
  bareInsert(): Promise<{ insert: (payload: string) => Promise<void>; close: () => Promise<void> }>;
  close(): Promise<void>;
}

/** `memory: true` opens `sqlite::memory:` stores: the same SQL without file I/O (a diagnostic). */
export function sqliteFactory(
  options: { memory?: boolean; backgroundCheckpoint?: boolean } = {},
): StoreFactory {
  const checkpoints = options.backgroundCheckpoint ?? process.env.QUORUM_BENCH_INLINE_CHECKPOINT !== "1";
  const dir = mkdtempSync(join(tmpdir(), "quorum-engine-bench-"));
  const stores: Store[] = [];
  return {
    engine: options.memory ? "sqlite-memory" : "sqlite",
    async open(label) {
      const file = options.memory ? ":memory:" : join(dir, `${label}-${stores.length}.db`);
      // As `quorum run` opens it: WAL checkpoints on a worker thread (src/store/sqlite/checkpointer.ts).
      const store = await openStore(`sqlite:${file}`, { backgroundCheckpoint: checkpoints });
      stores.push(store);
      return store;
    },
    async bareInsert() {
      const db = new Database(join(dir, "bare.db"));
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, payload TEXT)");
      const statement = db.prepare("INSERT INTO t (payload) VALUES (?)");
      return {
        insert: async (payload) => {
          statement.run(payload);
        },
        close: async () => {
          db.close();
        },
      };
    },
    async close() {
      for (const store of stores) await store.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function postgresFactory(): Promise<StoreFactory> {
  const given = process.env.QUORUM_BENCH_POSTGRES_URL;
  const cluster: TestPostgres | undefined = given ? undefined : await startTestPostgres();
  const url = given ?? cluster!.url;
  const schemas: string[] = [];
  const stores: Store[] = [];
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return {
    engine: "postgres",
    async open(label) {
      const schema = `engine_bench_${process.pid}_${label.replace(/\W/g, "_")}_${schemas.length}`;
      schemas.push(schema);
      const schemaUrl = new URL(url);
      schemaUrl.searchParams.set("schema", schema);
      const store = await openStore(schemaUrl.toString());
      stores.push(store);
      return store;
    },
    async bareInsert() {
      const table = `engine_bench_bare_${process.pid}`;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`CREATE TABLE IF NOT EXISTS ${table} (id bigserial PRIMARY KEY, payload text)`);
      return {
        insert: async (payload) => {
          await client.query({
            name: "bare",
            text: `INSERT INTO ${table} (payload) VALUES ($1)`,
            values: [payload],
          });
        },
        close: async () => {
          await client.query(`DROP TABLE ${table}`);
          await client.end();
        },
      };
    },
    async close() {
      for (const store of stores) await store.close().catch(() => undefined);
      for (const schema of schemas)
        await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await cluster?.stop();
    },
  };
}

/** A runtime over `store` with the built-in executors and no retry delay. */
export function benchRuntime(store: Store, models: ModelClient, extra: Partial<RuntimeDeps> = {}): Runtime {
  return new Runtime({
    store,
    models,
    executors: builtinExecutors,
    now: Date.now,
    retryDelayMs: () => 0,
    ...extra,
  });
}
