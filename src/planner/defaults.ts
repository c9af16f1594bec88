/**
 * What the planner needs to know about each step kind, in one exhaustive switch: the built-in
 * estimate (used when neither the step, its role, its model nor the config says more), which
 * models it calls, and how its per-call estimate scales. Built-in numbers are deliberately round:
 * a plan made only from defaults shows the shape of a run, not a promise about its length.
 *
 * One switch (rather than one function per question) also reads each step's fields once, which
 * matters at 10,000 steps when step objects do not share one hidden class.
 */
import type { EstimateDefaults, Step } from "../spec/index.js";

export type BuiltInEstimate = Required<EstimateDefaults>;

export interface StepProfile {
  /** Per call: duration, input and output tokens. */
  builtIn: BuiltInEstimate;
  /** Models called, in preference order (the first prices the step); empty when none is named. */
  models: readonly string[];
  /** The role whose estimates apply, if any. */
  role?: string;
  /** Whether the step spends tokens at all (so a missing price matters). */
  callsModels: boolean;
  /** Calls per run of the step: map items, ensemble members (min 2), judge checks of a gate. */
  tokenCalls: number;
  /** Back-to-back repetitions of the per-call duration: map waves, ceil(items / concurrency). */
  durationRepeats: number;
}

const modelCall: BuiltInEstimate = { durationMs: 60_000, inputTokens: 2000, outputTokens: 1500 };
const noCall = (durationMs: number): BuiltInEstimate => ({ durationMs, inputTokens: 0, outputTokens: 0 });

/** The planner's view of a step. Exhaustive, so a new kind must choose its numbers. */
export function stepProfile(step: Step): StepProfile {
  const once = { tokenCalls: 1, durationRepeats: 1 };
  switch (step.kind) {
    case "model":
      return { builtIn: modelCall, ...modelFields(step), callsModels: true, ...once };
    case "ensemble":
      return {
        builtIn: { ...modelCall, durationMs: 90_000 },
        ...modelFields(step),
        callsModels: true,
        tokenCalls: Math.max(2, step.models.length),
        durationRepeats: 1,
      };
    case "agent":
      // Several turns, each re-reading the conversation and tool results.
      return {
        builtIn: { durationMs: 300_000, inputTokens: 20_000, outputTokens: 4000 },
        ...modelFields(step),
        callsModels: true,
        ...once,
      };
    case "map": {
      const items = positiveInteger(step.estimate.items, 1);
      return {
        builtIn: modelCall,
        ...modelFields(step),
        callsModels: true,
        tokenCalls: items,
        durationRepeats: Math.ceil(items / positiveInteger(step.concurrency, 1)),
      };
    }
    case "arbiter":
      return {
        builtIn: { durationMs: 30_000, inputTokens: 2000, outputTokens: 300 },
        ...modelFields(step),
        callsModels: true,
        ...once,
      };
    case "gate": {
      // A judge reads the document and writes a short verdict; other checks are local.
      const judges = step.checks.flatMap((check) => (check.type === "judge" ? [check] : []));
      return {
        builtIn: { durationMs: 30_000, inputTokens: 3000, outputTokens: 500 },
        models: judges.find((judge) => judge.models.length > 0)?.models ?? [],
        callsModels: judges.length > 0,
        tokenCalls: Math.max(1, judges.length),
        durationRepeats: 1,
      };
    }
    case "check":
      return { builtIn: noCall(30_000), models: [], callsModels: false, ...once };
    case "approval":
      // A human decides; how long they take is not ours to guess, so plans count it as 0.
      return { builtIn: noCall(0), models: [], callsModels: false, ...once };
    case "workflow":
      // The child workflow is planned on its own; its calls are not in this plan's tokens.
      return { builtIn: noCall(300_000), models: [], callsModels: false, ...once };
  }
}

function modelFields(step: { models: string[]; role?: string }): { models: string[]; role?: string } {
  return step.role === undefined ? { models: step.models } : { models: step.models, role: step.role };
}

function positiveInteger(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}
