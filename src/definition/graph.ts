/**
 * The dependency graph the rules reason about: a step depends on the producers of the documents
 * it consumes and on its `needs`. Remediation and arbiter routes are runtime edges, not graph edges.
 */
import type { Step, Workflow } from "../spec/index.js";

export interface StepGraph {
  byId: Map<string, Step>;
  /** document id -> ids of steps that produce it. */
  producers: Map<string, string[]>;
  /** step id -> ids of steps it directly depends on (unknown ids dropped). */
  dependencies: Map<string, string[]>;
}

const graphs = new WeakMap<Workflow, StepGraph>();

/**
 * The graph of `workflow`, built once per workflow object and shared by the rules that need it
 * (five of them: on a 10,000-step file each build takes tens of milliseconds). Workflows are
 * immutable, so the graph never goes stale.
 */
export function graphOf(workflow: Workflow): StepGraph {
  let graph = graphs.get(workflow);
  if (graph === undefined) {
    graph = buildGraph(workflow);
    graphs.set(workflow, graph);
  }
  return graph;
}

export function buildGraph(workflow: Workflow): StepGraph {
  const byId = new Map<string, Step>();
  for (const step of workflow.steps) if (!byId.has(step.id)) byId.set(step.id, step);
  const producers = new Map<string, string[]>();
  for (const step of workflow.steps)
    for (const output of step.outputs) {
      const list = producers.get(output) ?? [];
      if (!list.includes(step.id)) list.push(step.id);
      producers.set(output, list);
    }
  const dependencies = new Map<string, string[]>();
  for (const step of byId.values()) {
    const deps = new Set<string>();
    for (const input of step.inputs)
      for (const p of producers.get(input) ?? []) if (p !== step.id) deps.add(p);
    for (const need of step.needs) if (byId.has(need)) deps.add(need);
    dependencies.set(step.id, [...deps]);
  }
  return { byId, producers, dependencies };
}

/** Every step `id` transitively depends on (iterative, safe on cycles). */
export function ancestors(graph: StepGraph, id: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(graph.dependencies.get(id) ?? [])];
  while (stack.length > 0) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(graph.dependencies.get(next) ?? []));
  }
  return seen;
}

/** Each elementary cycle found by DFS, as a list of step ids (first repeated at the end). */
export function findCycles(graph: StepGraph): string[][] {
  const state = new Map<string, "visiting" | "done">();
  const cycles: string[][] = [];
  const reported = new Set<string>();
  for (const start of graph.byId.keys()) {
    if (state.has(start)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    const path: string[] = [start];
    state.set(start, "visiting");
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const deps = graph.dependencies.get(frame.id) ?? [];
      if (frame.next < deps.length) {
        const dep = deps[frame.next++]!;
        const s = state.get(dep);
        if (s === "visiting") {
          const cycle = [...path.slice(path.indexOf(dep)), dep].reverse();
          const key = [...new Set(cycle)].sort().join(",");
          if (!reported.has(key)) {
            reported.add(key);
            cycles.push(cycle);
          }
        } else if (s === undefined) {
          state.set(dep, "visiting");
          stack.push({ id: dep, next: 0 });
          path.push(dep);
        }
      } else {
        state.set(frame.id, "done");
        stack.pop();
        path.pop();
      }
    }
  }
  return cycles;
}
