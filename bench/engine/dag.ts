/**
 * Random 60-node DAG with scripted per-step latencies (DESIGN.md §6 row 3): the engine's makespan
 * with unlimited concurrency against the critical path, both the theoretical one (sum of latencies
 * along the longest path; what the target is judged on) and the same DAG run as plain promises
 * (each node awaits its parents, then the mock), whose only extra is timer slack.
 */
import { benchModel, floorRequest } from "./models.js";
import { median, ratio, settle } from "./stats.js";
import { benchRuntime, type StoreFactory } from "./stores.js";
import { randomDag } from "./workflows.js";

export interface DagResult {
  engine: string;
  nodes: number;
  seed: number;
  latencyRangeMs: [number, number];
  criticalPathMs: number;
  criticalPathSteps: number;
  repetitions: number;
  engineMakespanMs: number;
  plainPromisesMakespanMs: number;
  /** Engine makespan over the theoretical critical path (the target). */
  ratioToCriticalPath: number;
  /** Engine makespan over the same DAG as plain promises. */
  ratioToPlainPromises: number;
  /** Plain promises over the critical path: what timers alone cost. */
  plainPromisesRatioToCriticalPath: number;
}

export async function measureDag(
  factory: StoreFactory,
  options: { nodes?: number; seed?: number; latencyRangeMs?: [number, number]; repetitions?: number } = {},
): Promise<DagResult> {
  const nodes = options.nodes ?? 60;
  const seed = options.seed ?? 20_261_122;
  const latencyRangeMs = options.latencyRangeMs ?? [5, 40];
  const repetitions = options.repetitions ?? 5;
  const dag = randomDag(nodes, seed, latencyRangeMs);
  const store = await factory.open("dag");
  const models = benchModel({ latencyMsByStep: dag.latencyMsByStep });
  const runtime = benchRuntime(store, models, { maxConcurrentSteps: Number.POSITIVE_INFINITY });
  const ids = dag.workflow.steps.map((s) => s.id);

  const plainDag = () => {
    const done: Array<Promise<unknown>> = [];
    ids.forEach((id, i) => {
      done.push(
        Promise.all(dag.parents[i]!.map((p) => done[p])).then(() => models.generate(floorRequest(id))),
      );
    });
    return Promise.all(done);
  };

  const engineMs: number[] = [];
  const floorMs: number[] = [];
  for (let r = -1; r < repetitions; r++) {
    const run = await runtime.start(dag.workflow, {});
    await settle();
    let started = performance.now();
    const outcome = await runtime.drive(run.id);
    if (outcome !== "succeeded") throw new Error(`DAG run ended ${outcome}`);
    if (r >= 0) engineMs.push(performance.now() - started);
    await settle();
    started = performance.now();
    await plainDag();
    if (r >= 0) floorMs.push(performance.now() - started);
  }
  const engineMakespanMs = median(engineMs);
  const plainPromisesMakespanMs = median(floorMs);
  return {
    engine: factory.engine,
    nodes,
    seed,
    latencyRangeMs,
    criticalPathMs: dag.criticalPathMs,
    criticalPathSteps: dag.criticalPathSteps,
    repetitions,
    engineMakespanMs,
    plainPromisesMakespanMs,
    ratioToCriticalPath: ratio(engineMakespanMs, dag.criticalPathMs),
    ratioToPlainPromises: ratio(engineMakespanMs, plainPromisesMakespanMs),
    plainPromisesRatioToCriticalPath: ratio(plainPromisesMakespanMs, dag.criticalPathMs),
  };
}
