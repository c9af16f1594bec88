/**
 * Monitor read path on a SQLite file: the first poll of `JournalTail` over N finished runs (every event read
 * once), a second poll with nothing new (metadata only), a poll after a few more runs finish (only their
 * events), and `computeMetrics` over all samples. No DESIGN.md target; it backs the claim in
 * docs/monitoring.md that a watching monitor reads each event once and re-polls cheaply.
 * Runnable alone: `npx tsx bench/monitor.bench.ts`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { computeMetrics, JournalTail } from "../src/monitor/index.js";
import type { RunEvent, Store } from "../src/spec/index.js";
import { openSqliteStore } from "../src/store/index.js";

const RUNS = 2000;
const STEPS = 5;
const LATER_RUNS = 20;

function runEvents(i: number): RunEvent[] {
  const events: RunEvent[] = [{ type: "run-start", workflowName: "bench", workflowHash: "h" }];
  for (let s = 0; s < STEPS; s++) {
    const stepId = `step-${s}`;
    events.push(
      { type: "step-start", stepId, attempt: 1 },
      { type: "model-call-start", stepId, attempt: 1, callKey: `k${i}-${s}`, model: "m/a" },
      {
        type: "model-call-end",
        stepId,
        attempt: 1,
        callKey: `k${i}-${s}`,
        model: s % 2 ? "m/a" : "m/b",
        outcome: (i + s) % 17 === 0 ? "error" : "ok",
        usage: { inputTokens: 100, outputTokens: 40 },
        costUsd: 0.0001,
        durationMs: 50 + ((i * 7 + s * 13) % 900),
      },
      { type: "step-end", stepId, attempt: 1 },
    );
  }
  events.push({ type: "run-end", status: i % 25 === 0 ? "failed" : "succeeded" });
  return events;
}

async function addRuns(store: Store, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    await store.createRun({
      id: `run-${i}`,
      workflowName: "bench",
      workflowHash: "h",
      definition: new TextEncoder().encode("{}"),
      inputs: {},
    });
    await store.appendEvents(`run-${i}`, 0, runEvents(i));
  }
}

const timed = async <T>(f: () => Promise<T> | T): Promise<{ ms: number; value: T }> => {
  const start = performance.now();
  const value = await f();
  return { ms: Number((performance.now() - start).toFixed(2)), value };
};

export async function run(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), "quorum-monitor-bench-"));
  const store = openSqliteStore(join(dir, "bench.db"));
  try {
    await addRuns(store, 0, RUNS);
    const tail = new JournalTail(store, async (r) => ({ runId: r.id, workflow: r.workflowName, steps: {} }));
    const first = await timed(() => tail.poll(0));
    const firstStats = tail.lastPoll;
    const idle = await timed(() => tail.poll(0));
    const idleStats = tail.lastPoll;
    await addRuns(store, RUNS, LATER_RUNS);
    const later = await timed(() => tail.poll(0));
    const laterStats = tail.lastPoll;
    const samples = [...first.value, ...later.value];
    const metrics = await timed(() => computeMetrics(samples, { fromMs: 0, toMs: Date.now() + 1 }));
    return {
      runs: RUNS,
      eventsPerRun: runEvents(0).length,
      firstPoll: { ms: first.ms, ...firstStats, samples: first.value.length },
      idlePoll: { ms: idle.ms, ...idleStats },
      pollAfterNewRuns: { ms: later.ms, ...laterStats },
      computeMetrics: { ms: metrics.ms, samples: samples.length, calls: metrics.value.overall.calls },
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  console.log(JSON.stringify(await run(), null, 2));
