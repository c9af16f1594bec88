/**
 * Per-step engine overhead (DESIGN.md §6 row 1): a 100-step chain with an instant mock model, timed
 * step by step (from one `step-end` to the next, as the journal makes them durable), beside the
 * plain-promises floor — a loop awaiting the same mock 100 times — and that loop plus one bare
 * INSERT per step, which is what durability itself costs on the engine (DESIGN.md §7 first rows).
 */
import type { Workflow } from "../../src/spec/index.js";
import { benchModel, floorRequest } from "./models.js";
import { type Distribution, distribution, settle } from "./stats.js";
import { benchRuntime, type StoreFactory } from "./stores.js";
import { chainWorkflow } from "./workflows.js";

export interface OverheadResult {
  engine: string;
  steps: number;
  runs: number;
  /** Wall time of one durable step (step-end to step-end). */
  durableStep: Distribution;
  /** One iteration of the plain-promises loop. */
  plainPromises: Distribution;
  /** One iteration of plain promises + one bare INSERT. */
  plainPromisesWithInsert: Distribution;
  overheadP50Ms: number;
  overheadP99Ms: number;
  /** What one bare INSERT adds per step (the peers' table's first rows). */
  insertOverheadP50Ms: number;
  eventsPerStep: number;
}

/** Step durations of `runs` timed runs of `workflow` (after `warmupRuns` untimed ones). */
export async function chainStepSamples(
  factory: StoreFactory,
  workflow: Workflow,
  options: { runs: number; warmupRuns: number; label: string },
): Promise<{ samplesMs: number[]; eventsPerStep: number }> {
  const store = await factory.open(options.label);
  const models = benchModel();
  let last = 0;
  let timing = false;
  const samplesMs: number[] = [];
  const runtime = benchRuntime(store, models, {
    onEvent: (_runId, event) => {
      if (event.type !== "step-end") return;
      const now = performance.now();
      if (timing) samplesMs.push(now - last);
      last = now;
    },
  });
  let events = 0;
  for (let r = 0; r < options.warmupRuns + options.runs; r++) {
    const run = await runtime.start(workflow, {});
    await settle();
    timing = r >= options.warmupRuns;
    last = performance.now();
    const outcome = await runtime.drive(run.id);
    if (outcome !== "succeeded") throw new Error(`bench chain run ended ${outcome}`);
    if (timing) events += (await store.readEvents(run.id)).length;
  }
  return { samplesMs, eventsPerStep: events / (options.runs * workflow.steps.length) };
}

async function floorSamples(
  steps: number,
  runs: number,
  insert?: (payload: string) => Promise<void>,
): Promise<number[]> {
  const models = benchModel();
  const samples: number[] = [];
  for (let r = 0; r < runs + 2; r++) {
    for (let i = 0; i < steps; i++) {
      const started = performance.now();
      const response = await models.generate(floorRequest(`s${i}`));
      if (insert) await insert(JSON.stringify({ stepId: `s${i}`, result: response }));
      if (r >= 2) samples.push(performance.now() - started);
    }
  }
  return samples;
}

export async function measureOverhead(
  factory: StoreFactory,
  options: { steps?: number; runs?: number } = {},
): Promise<OverheadResult> {
  const steps = options.steps ?? 100;
  const runs = options.runs ?? 20;
  // Steady state, not JIT warm-up: with 3 warm-up runs the chain measured first was slower than the
  // schema chain measured later in the same process, which does strictly more work per step.
  const chain = await chainStepSamples(factory, chainWorkflow(steps), {
    runs,
    warmupRuns: 10,
    label: "chain",
  });
  const durableStep = distribution(chain.samplesMs);
  const plainPromises = distribution(await floorSamples(steps, runs));
  const bare = await factory.bareInsert();
  const plainPromisesWithInsert = distribution(await floorSamples(steps, runs, bare.insert));
  await bare.close();
  const diff = (a: number, b: number) => Math.round((a - b) * 10_000) / 10_000;
  return {
    engine: factory.engine,
    steps,
    runs,
    durableStep,
    plainPromises,
    plainPromisesWithInsert,
    overheadP50Ms: diff(durableStep.p50Ms, plainPromises.p50Ms),
    overheadP99Ms: diff(durableStep.p99Ms, plainPromises.p99Ms),
    insertOverheadP50Ms: diff(plainPromisesWithInsert.p50Ms, plainPromises.p50Ms),
    eventsPerStep: Math.round(chain.eventsPerStep * 100) / 100,
  };
}

/**
 * The same chain with JSON-Schema documents: each step then validates its answer twice (the model
 * step, then the runtime before storing it). Shows what validation adds per step.
 */
export async function measureSchemaChain(
  factory: StoreFactory,
  options: { steps?: number; runs?: number } = {},
): Promise<{ engine: string; steps: number; durableStep: Distribution }> {
  const steps = options.steps ?? 100;
  const workflow = chainWorkflow(steps, { schema: true });
  const chain = await chainStepSamples(factory, workflow, {
    runs: options.runs ?? 5,
    warmupRuns: 2,
    label: "schema",
  });
  return { engine: factory.engine, steps, durableStep: distribution(chain.samplesMs) };
}
