/**
 * Built-in estimates, used when neither the step, its role, its model nor the config says more.
 * They are deliberately round numbers: a plan made only from defaults shows the shape of a run
 * (what runs in parallel, what is on the critical path), not a promise about its length.
 */
import type { Step } from "../spec/index.js";

export interface BuiltInEstimate {
  /** Per call; map steps multiply it by their waves (ceil(items / concurrency)). */
  durationMs: number;
  /** Per call; map steps multiply by items, ensembles by members, judge gates by judge checks. */
  inputTokens: number;
  outputTokens: number;
}

/** One model call that writes a document. */
export const modelCallEstimate: BuiltInEstimate = { durationMs: 60_000, inputTokens: 2000, outputTokens: 1500 };

/** The built-in estimate for a step kind. Exhaustive, so a new kind must choose its numbers. */
export function builtInEstimate(step: Step): BuiltInEstimate {
  switch (step.kind) {
    case "model":
      return modelCallEstimate;
    case "ensemble":
      return { durationMs: 90_000, inputTokens: 2000, outputTokens: 1500 };
    case "agent":
      // Several turns, each re-reading the conversation and tool results.
      return { durationMs: 300_000, inputTokens: 20_000, outputTokens: 4000 };
    case "map":
      return modelCallEstimate;
    case "gate":
      // A judge reads the document and writes a short verdict; other checks are local.
      return { durationMs: 30_000, inputTokens: 3000, outputTokens: 500 };
    case "check":
      return { durationMs: 30_000, inputTokens: 0, outputTokens: 0 };
    case "approval":
      // A human decides; how long they take is not ours to guess, so plans count it as 0.
      return { durationMs: 0, inputTokens: 0, outputTokens: 0 };
    case "arbiter":
      return { durationMs: 30_000, inputTokens: 2000, outputTokens: 300 };
    case "workflow":
      // The child workflow is planned on its own; its calls are not in this plan's tokens.
      return { durationMs: 300_000, inputTokens: 0, outputTokens: 0 };
  }
}

/**
 * The models a step calls, in preference order; empty when it calls none. A gate calls models
 * only through judge checks (the first judge with models is the one priced).
 */
export function stepModels(step: Step): readonly string[] {
  switch (step.kind) {
    case "model":
    case "ensemble":
    case "agent":
    case "map":
    case "arbiter":
      return step.models;
    case "gate": {
      for (const check of step.checks) if (check.type === "judge" && check.models.length > 0) return check.models;
      return [];
    }
    case "check":
    case "approval":
    case "workflow":
      return [];
  }
}

/** Whether the step spends tokens at all (so a missing price matters). */
export function callsModels(step: Step): boolean {
  switch (step.kind) {
    case "model":
    case "ensemble":
    case "agent":
    case "map":
    case "arbiter":
      return true;
    case "gate":
      return step.checks.some((check) => check.type === "judge");
    case "check":
    case "approval":
    case "workflow":
      return false;
  }
}

/**
 * How many calls the per-call token estimate is multiplied by: map items, ensemble members
 * (at least two), judge checks of a gate; one otherwise.
 */
export function tokenMultiplier(step: Step): number {
  switch (step.kind) {
    case "map":
      return positiveInteger(step.estimate.items, 1);
    case "ensemble":
      return Math.max(2, step.models.length);
    case "gate":
      return Math.max(1, step.checks.filter((check) => check.type === "judge").length);
    case "model":
    case "agent":
    case "arbiter":
    case "check":
    case "approval":
    case "workflow":
      return 1;
  }
}

/** How many times the per-call duration runs back to back: map waves, one otherwise. */
export function durationMultiplier(step: Step): number {
  if (step.kind !== "map") return 1;
  const items = positiveInteger(step.estimate.items, 1);
  return Math.ceil(items / positiveInteger(step.concurrency, 1));
}

function positiveInteger(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}
