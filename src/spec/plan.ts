/**
 * The execution plan: what the planner derives from a valid workflow. Plain data, so it can be
 * printed, stored beside a run, diffed, and drawn (Mermaid) without the planner's code.
 */
import type { StepKind } from "./workflow-file.js";

/** Where an estimate came from, most specific first. */
export type EstimateSource = "step" | "role" | "model" | "config" | "default";

export interface PlannedStep {
  id: string;
  kind: StepKind;
  /** 0-based topological layer: every dependency sits in a lower layer. */
  layer: number;
  /** Steps this one waits for (document producers and `needs`), sorted. */
  dependsOn: string[];
  /** Model the estimate was priced with, if any. */
  model?: string;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Estimated cost in USD; undefined when no price is known for the model. */
  costUsd?: number;
  estimateSource: EstimateSource;
  /** Earliest start if every step starts as soon as its own inputs are ready. */
  earliestStartMs: number;
  /** How long the step may slip without delaying the run. */
  slackMs: number;
  critical: boolean;
  /** Runs only when its `when` condition holds. */
  conditional: boolean;
}

export interface ExecutionPlan {
  workflow: string;
  /** Hash of the workflow definition the plan was made from. */
  workflowHash: string;
  steps: PlannedStep[];
  /** Parallel groups: step ids per topological layer. */
  layers: string[][];
  criticalPath: { steps: string[]; durationMs: number };
  widestLayer: { index: number; width: number };
  estimate: {
    /** Sum of all step durations: running one step at a time. */
    sequentialMs: number;
    /** Makespan with unlimited parallelism: the critical path. */
    parallelMs: number;
    /** sequentialMs / parallelMs. */
    speedup: number;
    /** Sum of known step costs. */
    costUsd: number;
    /** Steps that call models with no known price (their cost is not in costUsd). */
    unpricedSteps: string[];
  };
}

/** Per-million-token prices in USD. */
export interface ModelPrice {
  inputPerMTokUsd: number;
  outputPerMTokUsd: number;
  cachedInputPerMTokUsd?: number;
  cacheWritePerMTokUsd?: number;
  reasoningPerMTokUsd?: number;
}

export interface EstimateDefaults {
  durationMs?: number;
  inputTokens?: number;
  outputTokens?: number;
}

/** What the planner needs beyond the workflow: prices and estimate defaults from config. */
export interface PlanContext {
  prices: Record<string, ModelPrice>;
  /** Estimate defaults by role id. */
  roleEstimates?: Record<string, EstimateDefaults>;
  /** Estimate defaults by model ref. */
  modelEstimates?: Record<string, EstimateDefaults>;
  /** Estimate defaults from config for every step. */
  configEstimate?: EstimateDefaults;
}
