/**
 * The most a call may cost before it is made: prompt tokens (counted, see `context/tokens.ts`) at the
 * input price plus the output allowance at the output price. Reservations use it; the ledger then
 * replaces it by the exact cost. A model without a known price estimates 0 (nothing to enforce against).
 */
import type { ModelCatalog, ModelRequest } from "../../spec/index.js";
import { type CatalogModel, lookupModel } from "../catalog/index.js";
import { costUsd, priceForPrompt } from "../cost.js";

/** Output allowance when neither the request nor the catalog bounds it. */
export const DEFAULT_OUTPUT_TOKENS = 4096;

export interface CallEstimate {
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly costMicroUsd: number;
}

/** Output tokens a call may produce: the request's cap, else the model's cap bounded by the default. */
export function outputAllowance(request: ModelRequest, model: CatalogModel | undefined): number {
  if (request.maxOutputTokens !== undefined) return request.maxOutputTokens;
  return Math.min(model?.maxOutputTokens ?? DEFAULT_OUTPUT_TOKENS, DEFAULT_OUTPUT_TOKENS);
}

export function estimateCall(
  request: ModelRequest,
  modelRef: string,
  inputTokens: number,
  catalog: ModelCatalog,
): CallEstimate {
  const model = lookupModel(catalog, modelRef);
  const outputTokens = outputAllowance(request, model);
  const price = model ? priceForPrompt(model, inputTokens) : undefined;
  const costMicroUsd = price ? costUsd({ inputTokens, outputTokens }, price).costMicroUsd : 0;
  return { model: modelRef, inputTokens, outputTokens, costMicroUsd };
}
