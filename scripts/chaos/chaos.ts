/**
 * One chaos session: start a fake provider, create runs, then repeatedly SIGKILL workers at random
 * moments while they drive those runs, let the last workers finish, and judge the result from the
 * journals and the provider's request log (`verify.ts`). Used by `run.ts` (`npm run chaos`) and by
 * `test/chaos/chaos.test.ts` (a short form in CI). Everything it starts, it stops.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Runtime } from "../../src/runtime/index.js";
import type { ModelClient } from "../../src/spec/index.js";
import { builtinExecutors } from "../../src/steps/index.js";
import { openStore } from "../../src/store/index.js";
import { reply, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { startTestPostgres, type TestPostgres } from "../../test/support/postgres.js";
import { killLoop } from "./kill-loop.js";
import { WorkerSupply, waitForExit } from "./process.js";
import { type ChaosVerdict, verifyChaos } from "./verify.js";
import { chaosWorkflow, isWarmUpRequest } from "./workflow.js";

export interface ChaosOptions {
  runs: number;
  kills: number;
  seed: number;
  /** Store URL; default a fresh SQLite file in a temp directory. */
  db?: string;
  /** Start a throwaway PostgreSQL cluster and use it (two workers claiming with leases). */
  postgres?: boolean;
  /** Workers alive at once: 1 (default on SQLite) or more (default 2 on PostgreSQL, claim mode). */
  workers?: number;
  killAfterMs?: readonly [min: number, max: number];
  providerLatencyMs?: readonly [min: number, max: number];
  /** Runs each worker drives at once (default 1: the work then outlasts the requested kills). */
  runConcurrency?: number;
  leaseMs?: number;
  /** How long the final workers may take to finish everything (default 120 000). */
  finalTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface ChaosReport extends ChaosVerdict {
  store: "sqlite" | "postgres";
  workersAtOnce: number;
  killsRequested: number;
  kills: number;
  /** Kills that landed while at least one provider request was waiting for its answer. */
  killsDuringRequest: number;
  workersStarted: number;
  durationMs: number;
}

/** mulberry32: the same seed picks the same kill delays and provider latencies. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const unusedModels: ModelClient = {
  specificationVersion: "v1",
  generate: () => Promise.reject(new Error("the chaos parent never calls models")),
};

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const startedMs = Date.now();
  const log = options.log ?? (() => undefined);
  // Two streams: provider latencies are drawn in request order, which timing decides; kill delays
  // then stay the same for a given seed.
  const random = seededRandom(options.seed);
  const latencyRandom = seededRandom(options.seed ^ 0x5bd1e995);
  const between = ([min, max]: readonly [number, number], draw = random) => min + draw() * (max - min);
  const [killMin, killMax] = options.killAfterMs ?? [50, 400];
  const latency = options.providerLatencyMs ?? [5, 50];
  const cleanups: Array<() => Promise<void> | void> = [];
  try {
    const fake = await startFakeProvider();
    cleanups.push(() => fake.stop());
    fake.script(() => reply.default({ latencyMs: Math.round(between(latency, latencyRandom)) }));

    let url = options.db;
    if (options.postgres) {
      const cluster: TestPostgres = await startTestPostgres();
      cleanups.push(() => cluster.stop());
      url = cluster.url;
    }
    if (!url) {
      const dir = mkdtempSync(join(tmpdir(), "quorum-chaos-"));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      url = `sqlite:${join(dir, "chaos.db")}`;
    }
    const isPostgres = /^postgres(ql)?:/i.test(url);
    const workersAtOnce = options.workers ?? (isPostgres ? 2 : 1);

    const runIds = await createRuns(url, options.runs, options.seed);
    log(`created ${runIds.length} runs on ${isPostgres ? "PostgreSQL" : "SQLite"}; provider ${fake.baseURL}`);

    const env = {
      QUORUM_CHAOS_DB: url,
      QUORUM_CHAOS_PROVIDER: fake.baseURL,
      QUORUM_CHAOS_MODE: workersAtOnce > 1 ? "claim" : "list",
      QUORUM_CHAOS_LEASE_MS: String(options.leaseMs ?? 1000),
      QUORUM_CHAOS_RUN_CONCURRENCY: String(options.runConcurrency ?? 1),
    };
    const supply = new WorkerSupply(env);
    cleanups.push(() => supply.close());
    const workers = Array.from({ length: workersAtOnce }, () => supply.next());

    const loop = await killLoop({
      workers,
      spawn: () => supply.next(),
      kills: options.kills,
      killAfterMs: () => Math.round(between([killMin, killMax])),
      random,
      requestPending: () =>
        fake.requests.some((r) => r.status === undefined && !r.clientAborted && !isWarmUpRequest(r.body)),
      log,
    });
    const failures = loop.failures;

    log(`letting ${workers.length} worker(s) finish`);
    for (const worker of workers) {
      const exit = await waitForExit(worker, options.finalTimeoutMs ?? 120_000);
      if (exit === undefined) failures.push(`worker ${worker.name} did not finish in time`);
      else if (exit.code !== 0)
        failures.push(
          `final worker ${worker.name} exited ${exit.code ?? exit.signal}: ${worker.stderrTail.join(" | ")}`,
        );
    }

    const store = await openStore(url);
    let verdict: ChaosVerdict;
    try {
      verdict = await verifyChaos(store, runIds, fake.requests);
    } finally {
      await store.close();
    }
    verdict.violations.unshift(...failures);
    return {
      store: isPostgres ? "postgres" : "sqlite",
      workersAtOnce,
      killsRequested: options.kills,
      kills: loop.kills,
      killsDuringRequest: loop.killsDuringRequest,
      workersStarted: supply.started.length,
      durationMs: Date.now() - startedMs,
      ...verdict,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  }
}

async function createRuns(url: string, count: number, seed: number): Promise<string[]> {
  const store = await openStore(url);
  try {
    const runtime = new Runtime({ store, models: unusedModels, executors: builtinExecutors, now: Date.now });
    const workflow = chaosWorkflow();
    const ids: string[] = [];
    const session = randomUUID().slice(0, 6);
    for (let i = 0; i < count; i++)
      ids.push((await runtime.start(workflow, {}, { id: `chaos-${seed}-${session}-${i}` })).id);
    return ids;
  } finally {
    await store.close();
  }
}
