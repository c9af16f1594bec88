/**
 * Where a budget's `downgrade` policy goes when the step's own models are all too dear: the cheaper
 * capable models of the whole catalog, the router's hard rules applied to a price ceiling. A candidate
 * must be listed in the catalog with a known price (or be local, which is free), offer the capabilities
 * the request needs (`json` for a schema, `tools` for tools) and those every model of the step shares,
 * be local when the request is sensitive, have a provider that can take calls, and hold the prompt plus
 * its output allowance in its context window. Cheapest first, at most `maxModels`.
 */
import type { ModelCatalog, ModelRequest } from "../../spec/index.js";
import { lookupModel, parseModelRef } from "../catalog/index.js";
import { type CallEstimate, estimateCall } from "./estimate.js";

export interface CatalogDowngradeOptions {
  readonly catalog: ModelCatalog;
  /** Why a provider cannot take calls now (no key, server down), if it cannot; default: all can. */
  readonly providerUnavailable?: (providerId: string) => string | undefined;
  /** Alternatives returned (default 3: one to answer, two to fall back on). */
  readonly maxModels?: number;
}

/** Capabilities the request needs plus those every catalog-described model of the step offers. */
function requiredCapabilities(request: ModelRequest, catalog: ModelCatalog): Set<string> {
  const needed = new Set<string>();
  if (request.schema) needed.add("json");
  if (request.tools && request.tools.length > 0) needed.add("tools");
  const described = request.models.flatMap((ref) => {
    const caps = lookupModel(catalog, ref)?.capabilities;
    return caps ? [new Set<string>(caps)] : [];
  });
  const [first, ...rest] = described;
  for (const cap of first ?? []) if (rest.every((caps) => caps.has(cap))) needed.add(cap);
  return needed;
}

/** Catalog models that cost less than `ceilingMicroUsd` for this request, cheapest first. */
export function catalogAlternatives(
  request: ModelRequest,
  inputTokens: number,
  ceilingMicroUsd: number,
  options: CatalogDowngradeOptions,
): CallEstimate[] {
  const { catalog } = options;
  const own = new Set(request.models);
  const required = requiredCapabilities(request, catalog);
  const tokensNeeded = inputTokens + (request.maxOutputTokens ?? 0);
  const alternatives: CallEstimate[] = [];
  for (const ref of Object.keys(catalog.models)) {
    if (own.has(ref)) continue;
    const providerId = parseModelRef(ref).provider;
    const provider = catalog.providers[providerId];
    const model = lookupModel(catalog, ref);
    if (!provider || !model?.price) continue;
    if (request.sensitive && !provider.local) continue;
    if (![...required].every((cap) => (model.capabilities as readonly string[] | undefined)?.includes(cap)))
      continue;
    if (model.contextWindow !== undefined && model.contextWindow < tokensNeeded) continue;
    if (options.providerUnavailable?.(providerId) !== undefined) continue;
    const estimate = estimateCall(request, ref, inputTokens, catalog);
    if (estimate.costMicroUsd < ceilingMicroUsd) alternatives.push(estimate);
  }
  alternatives.sort((a, b) => a.costMicroUsd - b.costMicroUsd || (a.model < b.model ? -1 : 1));
  return alternatives.slice(0, options.maxModels ?? 3);
}
