/** Percentiles and small helpers shared by the engine benches. */

export interface Distribution {
  samples: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

const round = (ms: number) => Math.round(ms * 10_000) / 10_000;

export function distribution(samplesMs: readonly number[]): Distribution {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
  return {
    samples: sorted.length,
    p50Ms: round(at(0.5)),
    p99Ms: round(at(0.99)),
    meanMs: round(mean),
    maxMs: round(sorted[sorted.length - 1] ?? 0),
  };
}

export const median = (values: readonly number[]): number => distribution(values).p50Ms;

/** Runs `tasks` with at most `limit` in flight: the floor the engine's fan-out is compared with. */
export async function promisePool<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<unknown>,
) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

export const ratio = (value: number, floor: number) => Math.round((value / floor) * 1000) / 1000;

/** Lets the event loop and GC settle between timed sections. */
export async function settle(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 20));
}
