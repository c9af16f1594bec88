/**
 * 1,000-item fan-out (DESIGN.md §6 row 2): one workflow of 1,000 independent model steps, at most
 * 50 at once, each call taking 5 ms, against a `Promise.all` pool of 50 lanes over the same mock.
 * The ratio is the engine's makespan over the pool's; the pool's own makespan is ~100 ms plus timer
 * slack, so every 10 µs of engine work per step costs 0.1 in the ratio.
 */

import type { Runtime } from "../../src/runtime/index.js";
import type { JsonValue, ModelClient, Workflow } from "../../src/spec/index.js";
import { benchModel, floorRequest } from "./models.js";
import { median, promisePool, ratio, settle } from "./stats.js";
import { benchRuntime, type StoreFactory } from "./stores.js";
import { fanOutWorkflow } from "./workflows.js";

export interface FanOutResult {
  engine: string;
  items: number;
  concurrency: number;
  callLatencyMs: number;
  repetitions: number;
  engineMakespanMs: number;
  plainPromisesMakespanMs: number;
  /** Engine over plain promises, medians of the repetitions. */
  ratio: number;
  engineMakespansMs: number[];
  plainPromisesMakespansMs: number[];
}

export async function measureFanOut(
  factory: StoreFactory,
  options: { items?: number; concurrency?: number; latencyMs?: number; repetitions?: number } = {},
): Promise<FanOutResult> {
  const items = options.items ?? 1000;
  const concurrency = options.concurrency ?? 50;
  const latencyMs = options.latencyMs ?? 5;
  const workflow = fanOutWorkflow(items);
  const store = await factory.open("fan-out");
  const models = benchModel({ latencyMs });
  const runtime = benchRuntime(store, models, { maxConcurrentSteps: concurrency });
  const ids = workflow.steps.map((s) => s.id);
  const timed = await againstPool(runtime, workflow, models, ids, concurrency, options.repetitions ?? 5);
  return { engine: factory.engine, items, concurrency, callLatencyMs: latencyMs, ...timed };
}

/**
 * Runs `workflow` and the plain-promises pool over `ids` alternately (one untimed round of each
 * first, to warm the JIT), so load drifts hit both alike; medians of `repetitions`.
 */
export async function againstPool(
  runtime: Runtime,
  workflow: Workflow,
  models: ModelClient,
  ids: readonly string[],
  concurrency: number,
  repetitions: number,
  inputs: Record<string, JsonValue> = {},
): Promise<Omit<FanOutResult, "engine" | "items" | "concurrency" | "callLatencyMs">> {
  const engineMs: number[] = [];
  const floorMs: number[] = [];
  for (let r = -1; r < repetitions; r++) {
    const run = await runtime.start(workflow, inputs);
    await settle();
    let started = performance.now();
    const outcome = await runtime.drive(run.id);
    if (outcome !== "succeeded") throw new Error(`${workflow.name} run ended ${outcome}`);
    if (r >= 0) engineMs.push(performance.now() - started);
    await settle();
    started = performance.now();
    await promisePool(ids, concurrency, (id) => models.generate(floorRequest(id)));
    if (r >= 0) floorMs.push(performance.now() - started);
  }
  const engineMakespanMs = median(engineMs);
  const plainPromisesMakespanMs = median(floorMs);
  return {
    repetitions,
    engineMakespanMs,
    plainPromisesMakespanMs,
    ratio: ratio(engineMakespanMs, plainPromisesMakespanMs),
    engineMakespansMs: engineMs.map((v) => Math.round(v * 10) / 10),
    plainPromisesMakespansMs: floorMs.map((v) => Math.round(v * 10) / 10),
  };
}
