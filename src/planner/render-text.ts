/**
 * The plan as a compact plain-text report for the CLI (which adds colour): what runs in
 * parallel, what is on the critical path, how long and how much. Deterministic, so it can be a
 * golden file.
 */
import type { EstimateSource, ExecutionPlan, PlannedStep, Workflow } from "../spec/index.js";
import { stepProfile } from "./defaults.js";
import { formatDurationMs, formatList, formatSpeedup, formatUsd, plural } from "./format.js";
import { indexById } from "./graph.js";

const sourceOrder: readonly EstimateSource[] = ["step", "role", "model", "config", "default"];

/** Renders the report; `workflow` supplies what the plan does not keep (whether a step calls models). */
export function renderPlanText(plan: ExecutionPlan, workflow: Workflow): string {
  const byId = indexById(workflow);
  const spends = (step: PlannedStep): boolean => {
    const index = byId.get(step.id);
    return index !== undefined && stepProfile(workflow.steps[index]!).callsModels;
  };
  const lines: string[] = [];
  const { widestLayer } = plan;
  lines.push(
    `Plan for ${plan.workflow}: ${plural(plan.steps.length, "step")} in ${plural(plan.layers.length, "layer")}` +
      ` (widest: layer ${widestLayer.index + 1}, ${plural(widestLayer.width, "step")})`,
  );
  const idWidth = widest(plan.steps.map((step) => step.id));
  const kindWidth = widest(plan.steps.map((step) => step.kind));
  const durations = plan.steps.map((step) => formatDurationMs(step.durationMs));
  const durationWidth = widest(durations);
  const indexOf = new Map(plan.steps.map((step, i) => [step.id, i] as const));
  plan.layers.forEach((ids, layer) => {
    lines.push("", `Layer ${layer + 1}`);
    for (const id of ids) {
      const i = indexOf.get(id);
      if (i === undefined) continue;
      const step = plan.steps[i]!;
      const cost = step.costUsd !== undefined ? formatUsd(step.costUsd) : spends(step) ? "unpriced" : "-";
      const notes = [
        step.kind === "approval" && step.durationMs === 0 ? "waits for a human (not counted)" : "",
        step.conditional ? "conditional" : "",
        step.slackMs > 0 ? `slack ${formatDurationMs(step.slackMs)}` : "",
      ].filter((note) => note !== "");
      const row = [
        step.critical ? "*" : " ",
        step.id.padEnd(idWidth),
        step.kind.padEnd(kindWidth),
        durations[i]!.padStart(durationWidth),
        cost.padStart(9),
        notes.join("; "),
      ];
      lines.push(`  ${row.join("  ").trimEnd()}`);
    }
  });
  lines.push("", totals(plan));
  const counts = sourceOrder
    .map((source) => [source, plan.steps.filter((step) => step.estimateSource === source).length] as const)
    .filter(([, count]) => count > 0)
    .map(([source, count]) => `${count} from ${source === "default" ? "built-in defaults" : source}`);
  lines.push(`Durations: ${counts.length > 0 ? counts.join(", ") : "none"}`);
  const path = plan.criticalPath.steps;
  lines.push(
    `Critical path (*): ${path.length > 0 ? formatList(path, 12, " → ") : "none"}` +
      ` (${formatDurationMs(plan.criticalPath.durationMs)})`,
  );
  return `${lines.join("\n")}\n`;
}

function totals(plan: ExecutionPlan): string {
  const { estimate } = plan;
  const unpriced = estimate.unpricedSteps;
  const unpricedNote =
    unpriced.length > 0 ? ` (${plural(unpriced.length, "step")} unpriced: ${formatList(unpriced)})` : "";
  return (
    `Estimated: ${formatDurationMs(estimate.sequentialMs)} sequential, ` +
    `${formatDurationMs(estimate.parallelMs)} with parallel steps (${formatSpeedup(estimate.speedup)} faster); ` +
    `cost ≈ ${formatUsd(estimate.costUsd)}${unpricedNote}`
  );
}

/** Longest text length, without spreading (10,000 arguments is near the engine's limit). */
function widest(texts: readonly string[]): number {
  let width = 0;
  for (const text of texts) width = Math.max(width, text.length);
  return width;
}
