/**
 * A chaos worker: `node --import tsx scripts/chaos/worker.ts`, configured by environment, killed
 * with SIGKILL by `run.ts` at random moments. It drives every unfinished run of the store to the
 * end, as a restarted production worker would:
 * - `list` mode (one worker at a time, SQLite): lists non-terminal runs and drives them;
 * - `claim` mode (several workers, PostgreSQL): claims runs with short leases, heartbeats them,
 *   and stops driving a run whose lease it lost.
 * Protocol on stdio: it loads and warms up, prints `standby`, waits for a `go` line (so the parent
 * can keep a warm replacement ready), opens the store, prints `ready` (the parent's kill timer
 * starts then) and `done` when no unfinished run is left. It exits when its stdin closes, so it
 * never outlives the parent.
 */
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { Runtime } from "../../src/runtime/index.js";
import type { RunRecord, Store } from "../../src/spec/index.js";
import { builtinExecutors } from "../../src/steps/index.js";
import { openStore } from "../../src/store/index.js";
import { chaosModelClient } from "./models.js";
import { chaosWorkflow, warmUpRunPrefix } from "./workflow.js";

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set (run this through scripts/chaos/run.ts)`);
  return value;
};

const mode = env("QUORUM_CHAOS_MODE", "list") as "list" | "claim";
const workerId = env("QUORUM_CHAOS_WORKER_ID", `chaos-${randomUUID().slice(0, 8)}`);
const leaseMs = Number(env("QUORUM_CHAOS_LEASE_MS", "1000"));
const runConcurrency = Math.max(1, Number(env("QUORUM_CHAOS_RUN_CONCURRENCY", "1")));
const maxLifetimeMs = Number(env("QUORUM_CHAOS_MAX_MS", "180000"));

// Never outlive the parent: its end closes our stdin; a hard deadline covers everything else.
const go = new Promise<void>((resolve) => {
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => line.trim() === "go" && resolve());
  lines.on("close", () => process.exit(3));
});
setTimeout(() => {
  console.error(`worker ${workerId}: still running after ${maxLifetimeMs} ms, giving up`);
  process.exit(4);
}, maxLifetimeMs).unref();

const models = chaosModelClient(env("QUORUM_CHAOS_PROVIDER"));
// A cold process spends its first few hundred ms compiling code paths (SDK, store, runtime, Ajv);
// drive one run on a private in-memory store first, so kills land in steady-state work (a
// long-running worker's crash), not mostly in the JIT. Its requests carry a `warmup-` run id.
await warmUp();
process.stdout.write("standby\n");
await go;

const store = await openStore(env("QUORUM_CHAOS_DB"));
const runtime = new Runtime({
  store,
  models,
  executors: builtinExecutors,
  now: Date.now,
  retryDelayMs: () => 20,
  onInternalError: (runId, error) => console.error(`worker ${workerId}: ${runId}: internal error`, error),
});

async function warmUp(): Promise<void> {
  const scratch = await openStore("sqlite::memory:");
  try {
    const warm = new Runtime({ store: scratch, models, executors: builtinExecutors, now: Date.now });
    const run = await warm.start(chaosWorkflow(), {}, { id: `${warmUpRunPrefix}${workerId}` });
    const outcome = await warm.drive(run.id);
    if (outcome !== "succeeded") throw new Error(`the warm-up run ended ${outcome}`);
  } finally {
    await scratch.close();
  }
}

async function unfinishedRuns(): Promise<RunRecord[]> {
  const runs: RunRecord[] = [];
  for (const status of ["pending", "running", "waiting"] as const) {
    let cursor: string | undefined;
    do {
      const page = await store.listRuns({ status, limit: 1000, ...(cursor ? { cursor } : {}) });
      runs.push(...page.runs);
      cursor = page.nextCursor;
    } while (cursor);
  }
  return runs.sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : 1));
}

async function drive(runId: string, signal?: AbortSignal): Promise<void> {
  try {
    const outcome = await runtime.drive(runId, signal);
    if (outcome !== "succeeded" && outcome !== "interrupted")
      console.error(`worker ${workerId}: ${runId} ended ${outcome}`);
  } catch (error) {
    console.error(`worker ${workerId}: ${runId} stopped: ${(error as Error).message}`);
  }
}

/** One worker alone on the store: drive unfinished runs, `runConcurrency` at a time, until none is left. */
async function listMode(): Promise<void> {
  for (let pass = 0; ; pass++) {
    const queue = await unfinishedRuns();
    if (queue.length === 0) return;
    if (pass > 50) throw new Error(`${queue.length} runs still unfinished after ${pass} passes`);
    const lanes = Array.from({ length: runConcurrency }, async () => {
      for (let run = queue.shift(); run; run = queue.shift()) await drive(run.id);
    });
    await Promise.all(lanes);
  }
}

/** Several workers share the store: claim with leases, heartbeat, let go of runs whose lease was lost. */
async function claimMode(db: Store): Promise<void> {
  const active = new Map<string, { controller: AbortController; task: Promise<void> }>();
  const heartbeat = setInterval(() => {
    if (active.size === 0) return;
    db.heartbeat(workerId, [...active.keys()], leaseMs).then(
      (held) => {
        for (const [runId, entry] of active) if (!held.includes(runId)) entry.controller.abort();
      },
      () => undefined,
    );
  }, leaseMs / 3);
  try {
    for (;;) {
      const free = runConcurrency - active.size;
      const claimed = free > 0 ? await db.claimRuns(workerId, free, leaseMs) : [];
      for (const run of claimed) {
        const controller = new AbortController();
        const task = drive(run.id, controller.signal).finally(async () => {
          active.delete(run.id);
          await db.releaseRun(workerId, run.id).catch(() => false);
        });
        active.set(run.id, { controller, task });
      }
      if (claimed.length > 0) continue;
      if (active.size === 0 && (await unfinishedRuns()).length === 0) return;
      await Promise.race([...[...active.values()].map((a) => a.task), db.waitForWork(undefined, 200)]);
    }
  } finally {
    clearInterval(heartbeat);
  }
}

process.stdout.write("ready\n");
try {
  await (mode === "claim" ? claimMode(store) : listMode());
  process.stdout.write("done\n");
  await store.close();
  process.exit(0);
} catch (error) {
  console.error(`worker ${workerId}: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
}
