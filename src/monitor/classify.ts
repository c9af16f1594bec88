/**
 * Which steps are "complex" for the response-time targets (< 3 s simple, < 10 s complex). A step's own
 * routing complexity wins, then its role's; without one, kinds that run several calls (ensemble, map,
 * agent, sub-workflow) are complex and the rest simple.
 */
import type { Step, Workflow } from "../spec/index.js";
import type { StepClass, StepInfo } from "./types.js";

const complexKinds: ReadonlySet<string> = new Set(["ensemble", "map", "agent", "workflow"]);

export function classifyStep(step: Step, workflow: Pick<Workflow, "roles">): StepClass {
  const routing =
    "routing" in step
      ? (step.routing ?? ("role" in step && step.role ? workflow.roles[step.role]?.routing : undefined))
      : undefined;
  if (routing?.complexity === "high") return "complex";
  if (routing?.complexity === "low" || routing?.complexity === "medium") return "simple";
  return complexKinds.has(step.kind) ? "complex" : "simple";
}

/** Step id -> kind and class, for every step of a workflow. */
export function describeSteps(workflow: Pick<Workflow, "roles" | "steps">): Record<string, StepInfo> {
  return Object.fromEntries(
    workflow.steps.map((step) => [step.id, { kind: step.kind, stepClass: classifyStep(step, workflow) }]),
  );
}
