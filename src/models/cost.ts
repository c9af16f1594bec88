/**
 * Exact cost of one model call from the usage the provider reported and a price row.
 *
 * Token semantics follow the AI SDK v6 `LanguageModelV3Usage` (and `LanguageModelUsage`):
 * - `inputTokens` is the TOTAL prompt size: it already includes `cachedInputTokens` (cache reads)
 *   and `cacheWriteTokens`. Non-cached input = input - cached - cacheWrite.
 * - `outputTokens` is the TOTAL generated: it already includes `reasoningTokens`.
 *   Text output = output - reasoning.
 * The SDK's provider adapters normalise to this (Anthropic reports `input_tokens` without cache
 * tokens; `@ai-sdk/anthropic` adds them back), so the same formula is right for every provider.
 *
 * Money is integer arithmetic: a price in USD per million tokens is exactly pico-USD per token
 * (quantised to 1e-6 USD/MTok), so the sum is an exact BigInt of pico-USD, rounded once, half up,
 * to whole micro-USD. Roll-ups add `costMicroUsd` integers and never drift.
 */
import type { ModelPrice } from "../spec/index.js";

export interface TokenUsage {
  /** All prompt tokens, cache reads and writes included. */
  inputTokens: number;
  /** All generated tokens, reasoning included. */
  outputTokens: number;
  /** Prompt tokens read from the provider's cache (part of `inputTokens`). */
  cachedInputTokens?: number;
  /** Prompt tokens written to the provider's cache (part of `inputTokens`). */
  cacheWriteTokens?: number;
  /** Hidden reasoning / thinking tokens (part of `outputTokens`). */
  reasoningTokens?: number;
}

export interface CallCost {
  /** Whole micro-dollars (1e-6 USD), rounded half up from the exact pico-dollar sum. */
  costMicroUsd: number;
  /** `costMicroUsd / 1e6`, for display. */
  costUsd: number;
  /** How many tokens were billed at each rate. */
  billedTokens: {
    input: number;
    cachedInput: number;
    cacheWrite: number;
    output: number;
    reasoning: number;
  };
  /**
   * True when the detail counts exceeded their totals (a provider inconsistency): the details are
   * then trusted and the remainder billed as 0 rather than negative.
   */
  inconsistentUsage: boolean;
}

const picoPerMicro = 1_000_000n;

function tokens(name: string, value: number | undefined): bigint {
  if (value === undefined) return 0n;
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`usage.${name} must be a non-negative integer, got ${value}`);
  return BigInt(value);
}

/** USD per million tokens -> pico-USD per token (same number, scaled by 1e6 and made integral). */
function picoPerToken(name: string, usdPerMTok: number): bigint {
  if (!Number.isFinite(usdPerMTok) || usdPerMTok < 0)
    throw new RangeError(`price.${name} must be a non-negative number, got ${usdPerMTok}`);
  return BigInt(Math.round(usdPerMTok * 1_000_000));
}

/** Cost of one call. Cache and reasoning prices default to the input and output prices. */
export function costUsd(usage: TokenUsage, price: ModelPrice): CallCost {
  const input = tokens("inputTokens", usage.inputTokens);
  const output = tokens("outputTokens", usage.outputTokens);
  const cached = tokens("cachedInputTokens", usage.cachedInputTokens);
  const cacheWrite = tokens("cacheWriteTokens", usage.cacheWriteTokens);
  const reasoning = tokens("reasoningTokens", usage.reasoningTokens);

  const inputRate = picoPerToken("inputPerMTokUsd", price.inputPerMTokUsd);
  const outputRate = picoPerToken("outputPerMTokUsd", price.outputPerMTokUsd);
  const cachedRate =
    price.cachedInputPerMTokUsd === undefined
      ? inputRate
      : picoPerToken("cachedInputPerMTokUsd", price.cachedInputPerMTokUsd);
  const writeRate =
    price.cacheWritePerMTokUsd === undefined
      ? inputRate
      : picoPerToken("cacheWritePerMTokUsd", price.cacheWritePerMTokUsd);
  const reasoningRate =
    price.reasoningPerMTokUsd === undefined
      ? outputRate
      : picoPerToken("reasoningPerMTokUsd", price.reasoningPerMTokUsd);

  const plainInput = input - cached - cacheWrite;
  const textOutput = output - reasoning;
  const inconsistentUsage = plainInput < 0n || textOutput < 0n;
  const billedInput = plainInput < 0n ? 0n : plainInput;
  const billedOutput = textOutput < 0n ? 0n : textOutput;

  const pico =
    billedInput * inputRate +
    cached * cachedRate +
    cacheWrite * writeRate +
    billedOutput * outputRate +
    reasoning * reasoningRate;
  const costMicroUsd = Number((pico + picoPerMicro / 2n) / picoPerMicro);
  return {
    costMicroUsd,
    costUsd: costMicroUsd / 1_000_000,
    billedTokens: {
      input: Number(billedInput),
      cachedInput: Number(cached),
      cacheWrite: Number(cacheWrite),
      output: Number(billedOutput),
      reasoning: Number(reasoning),
    },
    inconsistentUsage,
  };
}

/** A catalog entry's price fields: a base price and an optional long-prompt tier. */
export interface TieredPrice {
  price?: ModelPrice;
  longContext?: { aboveInputTokens: number; price: ModelPrice };
}

/** The price that applies to a call with this many input tokens (cached included), if any. */
export function priceForPrompt(model: TieredPrice, inputTokens: number): ModelPrice | undefined {
  if (model.longContext && inputTokens > model.longContext.aboveInputTokens) return model.longContext.price;
  return model.price;
}

/**
 * The AI SDK v6 `LanguageModelUsage` fields we read, typed structurally so this layer needs no
 * import of `ai`. Deprecated flat fields are honoured when the detail objects are absent.
 */
export interface SdkLanguageModelUsage {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
  inputTokenDetails?: {
    noCacheTokens?: number | undefined;
    cacheReadTokens?: number | undefined;
    cacheWriteTokens?: number | undefined;
  };
  outputTokenDetails?: { textTokens?: number | undefined; reasoningTokens?: number | undefined };
  cachedInputTokens?: number | undefined;
  reasoningTokens?: number | undefined;
}

/** Our usage from the SDK's, treating unknown counts as 0 and rebuilding a missing total from its parts. */
export function usageFromSdk(usage: SdkLanguageModelUsage): TokenUsage {
  const cachedInputTokens = usage.inputTokenDetails?.cacheReadTokens ?? usage.cachedInputTokens ?? 0;
  const cacheWriteTokens = usage.inputTokenDetails?.cacheWriteTokens ?? 0;
  const reasoningTokens = usage.outputTokenDetails?.reasoningTokens ?? usage.reasoningTokens ?? 0;
  const inputTokens =
    usage.inputTokens ?? (usage.inputTokenDetails?.noCacheTokens ?? 0) + cachedInputTokens + cacheWriteTokens;
  const outputTokens = usage.outputTokens ?? (usage.outputTokenDetails?.textTokens ?? 0) + reasoningTokens;
  return { inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens };
}
