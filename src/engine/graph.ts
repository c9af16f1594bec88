/**
 * The dependency graph the engine schedules by, derived once per run from the plan. Kept apart
 * from the plan so the engine never re-derives edges while deciding.
 */
import type { ExecutionPlan, Workflow } from "../spec/index.js";

export interface EngineGraph {
  /** Step ids in file order: ties are always broken the same way. */
  order: string[];
  dependencies: Map<string, string[]>;
  dependents: Map<string, string[]>;
  /** For each step, the producers of the documents it consumes (skips cascade along these). */
  inputProducers: Map<string, string[]>;
  /** Steps with a `when:`: they decide for themselves whether to run without a skipped input. */
  conditional: Set<string>;
  /**
   * Arbiter mode only: each step reachable through an arbiter's routes, mapped to that arbiter.
   * Such a step never runs in static order; it runs when a decision of its arbiter activates it,
   * and is skipped once its arbiter has finished without choosing it. Empty in static mode, where
   * every route's steps simply run once in plan order.
   */
  routed: Map<string, string>;
  /**
   * Step ids most urgent first: by the plan's latest start (earliest start + slack), ties in file
   * order. `decide` offers ready steps in this order, so under a concurrency limit the steps on the
   * critical path get the slots, and a step with slack waits behind them.
   */
  schedule: string[];
  /** Position of each step in `schedule`. */
  scheduleIndex: Map<string, number>;
  /** The plan's latest start of each step, in ms from the run's start: lower is more urgent. */
  latestStartMs: Map<string, number>;
}

/** How a run treats `arbiter` steps (pinned with the run, so a replay decides the same way). */
export type RoutingMode = "arbiter" | "static";

export function engineGraph(
  workflow: Workflow,
  plan: ExecutionPlan,
  routing: RoutingMode = "arbiter",
): EngineGraph {
  const order = workflow.steps.map((s) => s.id);
  const dependencies = new Map<string, string[]>();
  const dependents = new Map<string, string[]>(order.map((id) => [id, []]));
  for (const planned of plan.steps) {
    dependencies.set(planned.id, [...planned.dependsOn]);
    for (const dep of planned.dependsOn) dependents.get(dep)?.push(planned.id);
  }
  const producers = new Map<string, string>();
  for (const step of workflow.steps) for (const output of step.outputs) producers.set(output, step.id);
  const inputProducers = new Map<string, string[]>();
  for (const step of workflow.steps)
    inputProducers.set(
      step.id,
      step.inputs.map((d) => producers.get(d)).filter((p): p is string => p !== undefined && p !== step.id),
    );
  for (const id of order) if (!dependencies.has(id)) dependencies.set(id, []);
  const conditional = new Set(workflow.steps.filter((s) => s.when !== undefined).map((s) => s.id));
  const routed = new Map<string, string>();
  if (routing === "arbiter")
    for (const step of workflow.steps)
      if (step.kind === "arbiter")
        for (const route of Object.values(step.routes))
          for (const id of route.steps) if (id !== step.id && !routed.has(id)) routed.set(id, step.id);
  const latestStartMs = new Map(plan.steps.map((p) => [p.id, p.earliestStartMs + p.slackMs]));
  const urgency = (id: string) => latestStartMs.get(id) ?? 0;
  // Array.prototype.sort is stable: equal latest starts keep file order.
  const schedule = [...order].sort((a, b) => urgency(a) - urgency(b));
  const scheduleIndex = new Map(schedule.map((id, i) => [id, i]));
  return {
    order,
    dependencies,
    dependents,
    inputProducers,
    conditional,
    routed,
    schedule,
    scheduleIndex,
    latestStartMs,
  };
}
