/**
 * The shape of one row of the built-in price table, apart from the rows themselves so each
 * provider's table can import it without a cycle.
 */
import type { ModelInfo, ModelPrice } from "../../../spec/index.js";

export type Capability = NonNullable<ModelInfo["capabilities"]>[number];

/** Context windows at or above this many tokens earn the `long-context` capability. */
export const longContextTokens = 200_000;

/** A higher price some providers charge for the whole call once the prompt passes a size. */
export interface LongContextPrice {
  /** The tier applies when the call's total input tokens (cached included) exceed this. */
  aboveInputTokens: number;
  price: ModelPrice;
}

export interface PriceTableEntry {
  contextWindow?: number;
  maxOutputTokens?: number;
  /** `long-context` is derived from `contextWindow`; list the others here. */
  capabilities: Array<Exclude<Capability, "long-context">>;
  /** Absent when the price is not known with confidence. */
  price?: ModelPrice;
  longContext?: LongContextPrice;
  /** Other ids the provider accepts for the same model (undated aliases, `-latest`). */
  aliases?: string[];
  /** Caveats worth showing beside the price (retired models, varying aggregator prices). */
  notes?: string;
}

/**
 * Shorthand for a price row in USD per million tokens: input, output, cached input (cache read),
 * cache write. Omitted cache prices fall back to the input price when costing (see `cost.ts`).
 */
export function perMTok(
  input: number,
  output: number,
  cachedInput?: number,
  cacheWrite?: number,
): ModelPrice {
  return {
    inputPerMTokUsd: input,
    outputPerMTokUsd: output,
    ...(cachedInput === undefined ? {} : { cachedInputPerMTokUsd: cachedInput }),
    ...(cacheWrite === undefined ? {} : { cacheWritePerMTokUsd: cacheWrite }),
  };
}

/** A provider's rows keyed by `provider/model`. */
export type PriceTable = Record<string, PriceTableEntry>;
