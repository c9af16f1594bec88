/**
 * `plan(workflow, context)`: the pure function from a valid workflow to its execution plan.
 * No I/O, no clock, no randomness: the same workflow and context always give the same plan, so
 * a plan can be stored beside a run, diffed in review, and asserted in tests.
 */
import type { ExecutionPlan, PlanContext, PlannedStep, Workflow } from "../spec/index.js";
import { estimateStep, roundUsd } from "./estimate.js";
import { buildGraph } from "./graph.js";
import { schedule } from "./schedule.js";

/**
 * Plans a workflow. Assumes it passed validation, but never throws or loops on odd input:
 * unknown references are ignored and cycle-closing edges dropped (the validator reports both).
 */
export function plan(workflow: Workflow, context: PlanContext): ExecutionPlan {
  const steps = workflow.steps;
  const graph = buildGraph(workflow);
  const estimates = steps.map((step) => estimateStep(step, context));
  const timing = schedule(
    graph,
    estimates.map((estimate) => estimate.durationMs),
  );
  const onCriticalPath = new Array<boolean>(steps.length).fill(false);
  for (const step of timing.criticalPath) onCriticalPath[step] = true;

  // Each field of a step is read once: loaded steps may not share a hidden class, so reads are slow.
  const ids = steps.map((step) => step.id);
  const planned: PlannedStep[] = steps.map((step, i) => {
    const estimate = estimates[i]!;
    const dependsOn: string[] = [];
    for (const edge of graph.incoming[i]!) dependsOn.push(ids[edge.from]!);
    const entry: PlannedStep = {
      id: ids[i]!,
      kind: step.kind,
      layer: timing.layer[i]!,
      dependsOn: dependsOn.sort(),
      durationMs: estimate.durationMs,
      inputTokens: estimate.inputTokens,
      outputTokens: estimate.outputTokens,
      estimateSource: estimate.source,
      earliestStartMs: timing.earliestStartMs[i]!,
      slackMs: timing.slackMs[i]!,
      critical: onCriticalPath[i]!,
      conditional: step.when !== undefined,
    };
    if (estimate.model !== undefined) entry.model = estimate.model;
    if (estimate.costUsd !== undefined) entry.costUsd = estimate.costUsd;
    return entry;
  });

  const layers: string[][] = [];
  planned.forEach((step) => {
    while (layers.length <= step.layer) layers.push([]);
    layers[step.layer]!.push(step.id);
  });
  let widestLayer = { index: 0, width: layers[0]?.length ?? 0 };
  layers.forEach((ids, index) => {
    if (ids.length > widestLayer.width) widestLayer = { index, width: ids.length };
  });

  let sequentialMs = 0;
  let costUsd = 0;
  const unpricedSteps: string[] = [];
  estimates.forEach((estimate, i) => {
    sequentialMs += estimate.durationMs;
    if (estimate.costUsd !== undefined) costUsd += estimate.costUsd;
    if (estimate.unpriced) unpricedSteps.push(ids[i]!);
  });
  const parallelMs = timing.makespanMs;
  return {
    workflow: workflow.name,
    workflowHash: workflow.source.hash,
    steps: planned,
    layers,
    criticalPath: { steps: timing.criticalPath.map((i) => ids[i]!), durationMs: parallelMs },
    widestLayer,
    estimate: {
      sequentialMs,
      parallelMs,
      speedup: parallelMs === 0 ? 1 : sequentialMs / parallelMs,
      costUsd: roundUsd(costUsd),
      unpricedSteps,
    },
  };
}
