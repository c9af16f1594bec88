/** Step executors, one folder per kind. Kinds without an executor are refused before a run starts. */
import type { StepKind } from "../spec/index.js";
import { agentStep } from "./agent/agent-step.js";
import { approvalStep } from "./approval/approval-step.js";
import { arbiterStep } from "./arbiter/arbiter-step.js";
import { checkStep } from "./check/check-step.js";
import { ensembleStep } from "./ensemble/ensemble-step.js";
import { gateStep } from "./gate/gate-step.js";
import { mapStep } from "./map/map-step.js";
import { modelStep } from "./model/model-step.js";
import type { StepExecutor } from "./types.js";
import { workflowStep } from "./workflow/workflow-step.js";

export { type CatalogTool, parseToolRef, resolveTools } from "./agent/tool-refs.js";
export { lookupPath } from "./lookup.js";
export type {
  ChildRunResult,
  HumanInputResult,
  LoadedDocument,
  ModelChoice,
  RunSnapshot,
  StepContext,
  StepExecutor,
  StepOutcome,
} from "./types.js";

export const builtinExecutors: Partial<Record<StepKind, StepExecutor>> = {
  model: modelStep,
  gate: gateStep,
  approval: approvalStep,
  check: checkStep,
  ensemble: ensembleStep,
  map: mapStep,
  arbiter: arbiterStep,
  workflow: workflowStep,
  agent: agentStep,
};
