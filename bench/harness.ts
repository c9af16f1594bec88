/**
 * What every `bench/*.bench.ts` module shares: the module shape `run.ts` expects, a timing
 * helper that reports min/p50/max after warm-up, and the machine description stored with every
 * result (numbers mean little without the machine they were measured on).
 */
import { cpus, totalmem } from "node:os";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** A result: JSON data for `bench/results/` and one markdown line for the summary. */
export interface BenchResult {
  data: Record<string, unknown>;
  /** One markdown line, e.g. "plan 10,000 steps: p50 12.3 ms (target < 200 ms: ok)". */
  summary: string;
  /** False when a target was missed; `run.ts` then exits 1. */
  ok: boolean;
}

/** The default export of a `*.bench.ts` file. */
export interface BenchModule {
  /** File-name friendly: results go to `bench/results/<name>-<date>.json`. */
  name: string;
  description: string;
  run(): Promise<BenchResult> | BenchResult;
}

export interface Timing {
  iterations: number;
  minMs: number;
  p50Ms: number;
  maxMs: number;
}

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/**
 * Times `fn` `iterations` times after `warmup` untimed calls (JIT, caches), with performance.now().
 * A full garbage collection runs first, so the garbage of what ran before is not billed to `fn`.
 */
export function measure(fn: () => unknown, options: { warmup: number; iterations: number }): Timing {
  gc();
  for (let i = 0; i < options.warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < options.iterations; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return {
    iterations: samples.length,
    minMs: round(samples[0] ?? 0),
    p50Ms: round(samples[Math.floor((samples.length - 1) / 2)] ?? 0),
    maxMs: round(samples[samples.length - 1] ?? 0),
  };
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGb: number;
  node: string;
  platform: string;
  arch: string;
}

export function machineInfo(): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    memoryGb: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
  };
}

/** `12.3 ms`, readable in a summary line. */
export const ms = (value: number): string => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;

/** A seeded pseudo-random generator (mulberry32), so a bench measures the same input every run. */
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
