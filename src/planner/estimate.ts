/**
 * One step's estimate: duration, tokens and cost, each field taken from the most specific place
 * that defines it (step, then role, then model, then config, then the built-in default), so a
 * config that only knows durations still lets a role say how many tokens its steps use.
 */
import type { EstimateDefaults, EstimateSource, ModelPrice, PlanContext, Step } from "../spec/index.js";
import { stepProfile } from "./defaults.js";

export interface StepEstimateResult {
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  /** Where the duration came from (tokens may come from a different layer). */
  source: EstimateSource;
  /** The step's first model, the one the estimate is priced with. */
  model?: string;
  costUsd?: number;
  /** True when the step calls models but no price is known for them. */
  unpriced: boolean;
}

type Field = keyof EstimateDefaults;
/** The places an estimate may come from, in the order they are asked. */
interface Sources {
  step: EstimateDefaults;
  role: EstimateDefaults | undefined;
  model: EstimateDefaults | undefined;
  config: EstimateDefaults | undefined;
  builtIn: EstimateDefaults;
}

const usable = (value: number | undefined): value is number =>
  value !== undefined && Number.isFinite(value) && value >= 0;

/** Where `field` comes from: the first source that defines it with a usable number. */
function sourceOf(field: Field, sources: Sources): EstimateSource {
  if (usable(sources.step[field])) return "step";
  if (usable(sources.role?.[field])) return "role";
  if (usable(sources.model?.[field])) return "model";
  if (usable(sources.config?.[field])) return "config";
  return "default";
}

function valueFrom(field: Field, source: EstimateSource, sources: Sources): number {
  const from = source === "default" ? sources.builtIn : sources[source];
  return from?.[field] ?? 0;
}

/** Estimates a step; pure and total (odd numbers fall through to the next source, never NaN). */
export function estimateStep(step: Step, context: PlanContext): StepEstimateResult {
  const profile = stepProfile(step);
  const model = profile.models[0];
  const role = profile.role;
  // Approvals wait for people: only the step itself may say how long (config defaults describe machines).
  const human = step.kind === "approval";
  const sources: Sources = {
    step: step.estimate,
    role: human || role === undefined ? undefined : context.roleEstimates?.[role],
    model: model === undefined ? undefined : context.modelEstimates?.[model],
    config: human ? undefined : context.configEstimate,
    builtIn: profile.builtIn,
  };
  const source = sourceOf("durationMs", sources);
  const spends = profile.callsModels;
  const calls = spends ? profile.tokenCalls : 0;
  const inputTokens = Math.round(valueFrom("inputTokens", sourceOf("inputTokens", sources), sources) * calls);
  const outputTokens = Math.round(
    valueFrom("outputTokens", sourceOf("outputTokens", sources), sources) * calls,
  );
  const price = model === undefined ? undefined : context.prices[model];
  const result: StepEstimateResult = {
    durationMs: Math.round(valueFrom("durationMs", source, sources) * profile.durationRepeats),
    inputTokens,
    outputTokens,
    source,
    unpriced: spends && price === undefined,
  };
  if (model !== undefined) result.model = model;
  if (spends && price !== undefined) result.costUsd = priceTokens(price, inputTokens, outputTokens);
  return result;
}

/** USD for a token count at per-million-token prices, rounded to a millionth of a dollar. */
export function priceTokens(price: ModelPrice, inputTokens: number, outputTokens: number): number {
  const usd = (inputTokens * price.inputPerMTokUsd + outputTokens * price.outputPerMTokUsd) / 1_000_000;
  return roundUsd(Number.isFinite(usd) ? usd : 0);
}

/** Rounds to micro-dollars so sums print the same on every machine. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1_000_000) / 1_000_000;
}
