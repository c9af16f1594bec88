/**
 * Store micro-benchmark: latency of `appendEvents` (1-event and 3-event batches, p50/p99) on SQLite
 * (WAL file) and PostgreSQL (fsync on), beside a bare single-row INSERT on the same engine — the floor
 * durability itself costs (DESIGN.md §7) — and the throughput of concurrent appends from many runs in one
 * process (what group commit is for). `run()` returns the raw numbers; the default export is the
 * `BenchModule` bench/run.ts expects. Targets (DESIGN.md §6 budgets a whole durable step; one 3-event
 * append is the store's share of it): p50 ≤ 0.25 ms on SQLite, ≤ 1.0 ms on PostgreSQL. Runnable alone:
 * `npx tsx bench/store.bench.ts`. PostgreSQL: `QUORUM_BENCH_POSTGRES_URL`, else a throwaway cluster.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import type { RunEvent, Store } from "../src/spec/index.js";
import { openPostgresStore, openSqliteStore } from "../src/store/index.js";
import { startTestPostgres, type TestPostgres } from "../test/support/postgres.js";
import type { BenchModule, BenchResult } from "./harness.js";

const ITERATIONS = 2_000;
const WARMUP = 200;
const CONCURRENT_RUNS = 200;
const STEPS_PER_RUN = 10;

const event = (i: number): RunEvent => ({ type: "step-start", stepId: `step-${i}`, attempt: 1 });
const callEnd = (i: number): RunEvent => ({
  type: "model-call-end",
  stepId: `step-${i}`,
  attempt: 1,
  callKey: `key-${i}`,
  model: "mock:instant",
  outcome: "ok",
  result: { text: "ok" },
  usage: { inputTokens: 120, outputTokens: 40 },
  durationMs: 0,
});
const batch3 = (i: number): RunEvent[] => [
  callEnd(i),
  { type: "step-end", stepId: `step-${i}`, attempt: 1 },
  event(i + 1),
];

interface Latency {
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

function summarize(samplesMs: number[]): Latency {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number): number =>
    Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(4));
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  return { p50Ms: at(0.5), p99Ms: at(0.99), meanMs: Number(mean.toFixed(4)) };
}

async function measure(iterations: number, once: (i: number) => Promise<unknown>): Promise<Latency> {
  for (let i = 0; i < WARMUP; i++) await once(-1 - i);
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = process.hrtime.bigint();
    await once(i);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return summarize(samples);
}

async function appendLatency(store: Store, size: 1 | 3): Promise<Latency> {
  const runId = `bench-${size}-${Date.now()}`;
  await store.createRun({
    id: runId,
    workflowName: "bench",
    workflowHash: "h",
    definition: new Uint8Array(8),
    inputs: {},
  });
  let seq = 0;
  return measure(ITERATIONS, async (i) => {
    seq = (await store.appendEvents(runId, seq, size === 1 ? [event(i)] : batch3(i))).nextSeq;
  });
}

/** Many runs appending at once through one store: events/s and per-append latency under load. */
async function concurrentThroughput(store: Store): Promise<{ appendsPerSecond: number; latency: Latency }> {
  const ids = Array.from({ length: CONCURRENT_RUNS }, (_, i) => `conc-${Date.now()}-${i}`);
  for (const id of ids)
    await store.createRun({
      id,
      workflowName: "bench",
      workflowHash: "h",
      definition: new Uint8Array(8),
      inputs: {},
    });
  const samples: number[] = [];
  const started = process.hrtime.bigint();
  await Promise.all(
    ids.map(async (id) => {
      let seq = 0;
      for (let step = 0; step < STEPS_PER_RUN; step++) {
        const t0 = process.hrtime.bigint();
        seq = (await store.appendEvents(id, seq, batch3(step))).nextSeq;
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    appendsPerSecond: Math.round((CONCURRENT_RUNS * STEPS_PER_RUN) / seconds),
    latency: summarize(samples),
  };
}

async function benchStore(store: Store, bareInsert: Latency): Promise<object> {
  return {
    bareInsert,
    append1: await appendLatency(store, 1),
    append3: await appendLatency(store, 3),
    concurrent: {
      runs: CONCURRENT_RUNS,
      appendsPerRun: STEPS_PER_RUN,
      ...(await concurrentThroughput(store)),
    },
  };
}

async function sqliteBench(): Promise<object> {
  const dir = mkdtempSync(join(tmpdir(), "quorum-bench-"));
  try {
    const raw = new Database(join(dir, "bare.db"));
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = NORMAL");
    raw.exec(
      "CREATE TABLE t (run_id TEXT, seq INTEGER, payload TEXT, PRIMARY KEY (run_id, seq)) WITHOUT ROWID",
    );
    const insert = raw.prepare("INSERT INTO t VALUES ('r', ?, ?)");
    let n = 0;
    const bare = await measure(ITERATIONS, async () => insert.run(n++, JSON.stringify(event(n))));
    raw.close();
    const store = openSqliteStore(join(dir, "quorum.db"));
    try {
      return await benchStore(store, bare);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function postgresBench(): Promise<object> {
  const given = process.env.QUORUM_BENCH_POSTGRES_URL;
  const cluster: TestPostgres | undefined = given === undefined ? await startTestPostgres() : undefined;
  const url = given ?? cluster?.url ?? "";
  try {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(
      "DROP TABLE IF EXISTS quorum_bench_bare; CREATE TABLE quorum_bench_bare (run_id text, seq int, payload text, PRIMARY KEY (run_id, seq))",
    );
    let n = 0;
    const bare = await measure(ITERATIONS, () =>
      client.query({
        name: "bare",
        text: "INSERT INTO quorum_bench_bare VALUES ('r', $1, $2)",
        values: [n++, JSON.stringify(event(n))],
      }),
    );
    await client.query("DROP TABLE quorum_bench_bare");
    const fsync = (await client.query<{ fsync: string }>("SHOW fsync")).rows[0]?.fsync;
    await client.end();
    const schemaUrl = new URL(url);
    schemaUrl.searchParams.set("schema", `bench_${process.pid}`);
    const store = await openPostgresStore(schemaUrl.toString());
    try {
      return { fsync, ...(await benchStore(store, bare)) };
    } finally {
      await store.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`DROP SCHEMA IF EXISTS bench_${process.pid} CASCADE`);
      await cleanup.end();
    }
  } finally {
    await cluster?.stop();
  }
}

/** Entry point for bench/run.ts. */
export async function run(): Promise<object> {
  const sqlite = await sqliteBench();
  let postgres: object;
  try {
    postgres = await postgresBench();
  } catch (error) {
    postgres = { skipped: `PostgreSQL unavailable: ${(error as Error).message}` };
  }
  return { name: "store", node: process.version, iterations: ITERATIONS, sqlite, postgres };
}

const SQLITE_TARGET_MS = 0.25;
const POSTGRES_TARGET_MS = 1.0;

const bench: BenchModule = {
  name: "store",
  description:
    "appendEvents latency (1 and 3 events) on SQLite WAL and PostgreSQL fsync on, beside a bare INSERT",
  async run(): Promise<BenchResult> {
    const data = (await run()) as {
      sqlite: { append3: Latency };
      postgres: { append3?: Latency; skipped?: string };
    };
    const sqliteP50 = data.sqlite.append3.p50Ms;
    const postgresP50 = data.postgres.append3?.p50Ms;
    const ok =
      sqliteP50 <= SQLITE_TARGET_MS && (postgresP50 === undefined || postgresP50 <= POSTGRES_TARGET_MS);
    const pgText =
      postgresP50 === undefined
        ? `postgres skipped (${data.postgres.skipped})`
        : `postgres p50 ${postgresP50} ms (≤ ${POSTGRES_TARGET_MS})`;
    const summary = `store append 3 events: sqlite p50 ${sqliteP50} ms (≤ ${SQLITE_TARGET_MS}), ${pgText}: ${ok ? "ok" : "MISSED"}`;
    return { data: data as unknown as Record<string, unknown>, summary, ok };
  },
};
export default bench;

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(JSON.stringify(await run(), null, 2));
}
