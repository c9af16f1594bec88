/**
 * Timing over the dependency DAG: layers, earliest starts, slack and one critical path, with
 * unlimited parallelism (every step starts the moment its own dependencies end). Linear in
 * steps + edges: one forward and one backward pass in topological order.
 */
import type { DependencyGraph } from "./graph.js";

export interface Schedule {
  /** 0-based ASAP layer per step index. */
  layer: Int32Array;
  earliestStartMs: Float64Array;
  slackMs: Float64Array;
  /** Step indices of the chosen critical path, first to last. */
  criticalPath: number[];
  /** Makespan: when the last step ends. */
  makespanMs: number;
}

/**
 * Schedules the graph. The critical path ends at the first step in file order that ends last and
 * has no dependents, and walks back through the first dependency (file order) that ends exactly
 * when the step starts; so among equally long chains the one written first wins.
 */
export function schedule(graph: DependencyGraph, durationsMs: readonly number[]): Schedule {
  const count = durationsMs.length;
  const layer = new Int32Array(count);
  const start = new Float64Array(count);
  const end = new Float64Array(count);
  for (const step of graph.order) {
    let stepLayer = 0;
    let stepStart = 0;
    for (const edge of graph.incoming[step]!) {
      stepLayer = Math.max(stepLayer, layer[edge.from]! + 1);
      stepStart = Math.max(stepStart, end[edge.from]!);
    }
    layer[step] = stepLayer;
    start[step] = stepStart;
    end[step] = stepStart + durationsMs[step]!;
  }
  let makespanMs = 0;
  for (let i = 0; i < count; i++) makespanMs = Math.max(makespanMs, end[i]!);

  const latestEnd = new Float64Array(count).fill(makespanMs);
  const slackMs = new Float64Array(count);
  for (let k = graph.order.length - 1; k >= 0; k--) {
    const step = graph.order[k]!;
    let finish = makespanMs;
    for (const next of graph.dependents[step]!)
      finish = Math.min(finish, latestEnd[next]! - durationsMs[next]!);
    latestEnd[step] = finish;
    slackMs[step] = finish - end[step]!;
  }
  return {
    layer,
    earliestStartMs: start,
    slackMs,
    criticalPath: criticalPath(graph, start, end, makespanMs),
    makespanMs,
  };
}

function criticalPath(
  graph: DependencyGraph,
  start: Float64Array,
  end: Float64Array,
  makespanMs: number,
): number[] {
  let last = -1;
  for (let i = 0; i < end.length && last < 0; i++)
    if (end[i] === makespanMs && graph.dependents[i]!.length === 0) last = i;
  if (last < 0) return [];
  const path = [last];
  let step = last;
  for (;;) {
    let previous = -1;
    for (const edge of graph.incoming[step]!)
      if (end[edge.from] === start[step] && (previous < 0 || edge.from < previous)) previous = edge.from;
    if (previous < 0) break;
    path.push(previous);
    step = previous;
  }
  return path.reverse();
}
