/**
 * The normalized workflow: what the loader returns once a file is valid. Plain immutable data,
 * tagged by `kind`; durations are milliseconds, prompts and schemas are loaded, defaults applied.
 * The planner and the engine only ever see this shape, never the raw file.
 */
import type { JsonValue } from "./events.js";
import type { Routing, StepKind } from "./workflow-file.js";

export interface InputSpec {
  id: string;
  /** `list`: a JSON array, given as JSON text (`--input name=@items.json`) or an array. */
  type: "string" | "number" | "boolean" | "enum" | "file" | "list";
  description?: string;
  required: boolean;
  default?: string | number | boolean | JsonValue[];
  values?: string[];
}

export interface Role {
  id: string;
  name?: string;
  instructions: string;
  models: string[];
  routing?: Routing;
  tools: string[];
  /** File the role came from, when it was not inline. */
  file?: string;
}

export interface DocumentType {
  id: string;
  description?: string;
  format: "json" | "markdown" | "text";
  sensitive: boolean;
  schemaFile?: string;
  /** The parsed JSON Schema, when the document declares one. */
  schema?: Record<string, unknown>;
  /** How much of it a consuming prompt receives (absent: all of it). */
  /**
   * How much of it a consuming prompt gets: `truncate` cuts to `maxTokens`; `summarise` condenses it with
   * a model call (`summariseWith`, else the cheapest capable model) only when the prompt does not fit.
   */
  context?: { policy: "full" | "truncate" | "summarise"; maxTokens?: number; summariseWith?: string[] };
}

export interface ToolSpec {
  id: string;
  description?: string;
  mcp?: { command?: string[]; url?: string; tools?: string[] };
}

export interface StepEstimate {
  durationMs?: number;
  inputTokens?: number;
  outputTokens?: number;
  items?: number;
}

export interface PromptTemplate {
  file: string;
  text: string;
}

export interface StepCommon {
  id: string;
  kind: StepKind;
  name?: string;
  description?: string;
  /** Documents consumed. */
  inputs: string[];
  /** Documents produced. */
  outputs: string[];
  /** Explicit ordering dependencies (step ids). */
  needs: string[];
  when?: string;
  retries: number;
  timeoutMs?: number;
  budgetUsd?: number;
  onBudgetExceed?: "stop" | "downgrade" | "ask";
  estimate: StepEstimate;
  /** Index in the file's `steps` array, for messages. */
  index: number;
}

export interface ModelCallFields {
  role?: string;
  prompt?: PromptTemplate;
  models: string[];
  routing?: Routing;
  cacheTtlMs?: number;
}

export interface ModelStep extends StepCommon, ModelCallFields {
  kind: "model";
  ask?: { maxRounds: number; timeoutMs?: number };
}
export interface EnsembleStep extends StepCommon, ModelCallFields {
  kind: "ensemble";
  combine: {
    strategy: "first-valid" | "vote" | "judge" | "merge" | "best-score";
    judge?: string;
    minSuccesses?: number;
  };
}
export type GateCheckSpec =
  | { type: "schema" }
  | { type: "required-sections"; sections: string[] }
  | { type: "length"; min?: number; max?: number }
  | { type: "assert"; expression: string }
  | { type: "matches"; path: string; pattern: string }
  | { type: "judge"; models: string[]; rubric: string[]; prompt?: PromptTemplate };
export interface GateStep extends StepCommon {
  kind: "gate";
  checks: GateCheckSpec[];
  threshold?: number;
  remediate: string[];
  maxRounds: number;
  onExhausted: "fail" | "approval";
}
export interface ApprovalStep extends StepCommon {
  kind: "approval";
  message?: string;
  approvers: string[];
  onReject: { remediate: string[] } | "fail";
  onTimeout?: "approve" | "reject";
}
export interface CheckStep extends StepCommon {
  kind: "check";
  run?: {
    command: string[];
    shell: boolean;
    cwd?: string;
    env: string[];
    expectExitCode: number;
    expectOutput?: string;
  };
  probe?: { url: string; method: "GET" | "HEAD" | "POST"; expectStatus: number; expectBody?: string };
}
export interface ArbiterStep extends StepCommon, ModelCallFields {
  kind: "arbiter";
  routes: Record<string, { description?: string; steps: string[] }>;
  default: string;
  maxDecisions: number;
}
export interface MapStep extends StepCommon, ModelCallFields {
  kind: "map";
  over: string;
  concurrency: number;
  onItemError: "collect" | "fail-fast" | "skip";
  /** Items may ask clarification questions first (one round per item). */
  ask?: { maxRounds: number; timeoutMs?: number };
}
export interface WorkflowCallStep extends StepCommon {
  kind: "workflow";
  workflow: string;
  with: Record<string, string>;
}
export interface AgentStep extends StepCommon, ModelCallFields {
  kind: "agent";
  tools: string[];
  maxTurns: number;
}

export type Step =
  | ModelStep
  | EnsembleStep
  | GateStep
  | ApprovalStep
  | CheckStep
  | ArbiterStep
  | MapStep
  | WorkflowCallStep
  | AgentStep;

export interface Workflow {
  /** Version of the workflow language. */
  language: 1;
  name: string;
  version?: string;
  description?: string;
  /** Entry file and a sha256 over it and every file it pulled in (prompts, schemas, roles, fragments). */
  source: { file: string; hash: string; files: string[] };
  inputs: Record<string, InputSpec>;
  roles: Record<string, Role>;
  documents: Record<string, DocumentType>;
  tools: Record<string, ToolSpec>;
  steps: Step[];
  /** Limit on the whole run's spend, enforced by the model layer's budget wrapper. */
  budget?: { usd: number; onExceed: "stop" | "downgrade" | "ask" };
}
