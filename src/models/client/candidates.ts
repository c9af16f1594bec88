/**
 * The models one call may try, in order. Explicit candidates (`request.models`) keep their order and
 * lose only those whose provider cannot be used, each with a reason the final error shows. Without
 * candidates the client picks for itself with a deliberately simple heuristic: the cheapest usable
 * models by list price (input + output USD per million tokens, local models at 0), restricted to
 * models the catalog marks `json` when a schema is asked for, unpriced hosted models never picked
 * (their bill is unknown), aliases skipped, ties broken by ref; the three cheapest, so a fallback
 * exists. Sensitive requests see local providers only, whether named or picked.
 */
import type { ModelAttemptFailure } from "../../errors/index.js";
import type { ModelRequest } from "../../spec/index.js";
import { lookupModel, type ProviderPreset, parseModelRef, type QuorumCatalog } from "../catalog/index.js";
import type { AttemptTarget } from "../middleware/index.js";

/** A model the call may try; the middleware chain's `AttemptTarget`. */
export type Candidate = AttemptTarget;

/** What the planner needs to know about providers right now. */
export interface ProviderView {
  /** Why the provider cannot take a call now, or undefined when it can. */
  unavailableReason(providerId: string): string | undefined;
  /** Model ids a probed local server listed (empty when unknown or not a server). */
  servedModels(providerId: string): readonly string[];
}

export interface CandidatePlan {
  candidates: Candidate[];
  /** Named candidates that were left out, with why. */
  skipped: ModelAttemptFailure[];
}

/** How many models the automatic pick returns: one to answer and two to fall back on. */
export const automaticCandidateCount = 3;

const sensitiveSkip = "skipped: the request is sensitive and this provider is not local";

export function planCandidates(
  request: ModelRequest,
  catalog: QuorumCatalog,
  view: ProviderView,
): CandidatePlan {
  return request.models.length > 0
    ? namedCandidates(request, catalog, view)
    : { candidates: cheapestCandidates(request, catalog, view), skipped: [] };
}

/** The parts of a ref, or undefined for a malformed one (named refs report it; catalog rows are skipped). */
function splitRef(ref: string): { provider: string; model: string } | undefined {
  try {
    return parseModelRef(ref);
  } catch {
    return undefined;
  }
}

function namedCandidates(request: ModelRequest, catalog: QuorumCatalog, view: ProviderView): CandidatePlan {
  const candidates: Candidate[] = [];
  const skipped: ModelAttemptFailure[] = [];
  for (const ref of new Set(request.models)) {
    let parts: { provider: string; model: string };
    try {
      parts = parseModelRef(ref);
    } catch (error) {
      skipped.push({ model: ref, message: (error as Error).message });
      continue;
    }
    const provider = catalog.providers[parts.provider];
    const reason = !provider
      ? `unknown provider '${parts.provider}' (known: ${Object.keys(catalog.providers).join(", ")})`
      : request.sensitive && !provider.local
        ? sensitiveSkip
        : view.unavailableReason(provider.id);
    if (reason || !provider) skipped.push({ model: ref, message: reason ?? "unknown provider" });
    else candidates.push(withWindow({ ref, provider, modelId: parts.model }, catalog));
  }
  return { candidates, skipped };
}

function cheapestCandidates(request: ModelRequest, catalog: QuorumCatalog, view: ProviderView): Candidate[] {
  const usable = (provider: ProviderPreset | undefined): provider is ProviderPreset =>
    provider !== undefined && (!request.sensitive || provider.local) && !view.unavailableReason(provider.id);
  const refs = new Set<string>();
  for (const [ref, model] of Object.entries(catalog.models)) {
    const parts = splitRef(ref);
    if (!parts || model.aliasOf) continue;
    const served = view.servedModels(parts.provider);
    if (served.length > 0 && !served.includes(parts.model)) continue;
    if (request.schema && !model.capabilities?.includes("json")) continue;
    refs.add(ref);
  }
  // Models a local server lists but the catalog does not: free, and a local server applies JSON grammar.
  for (const provider of Object.values(catalog.providers))
    for (const id of view.servedModels(provider.id)) refs.add(`${provider.id}/${id}`);

  const priced: Array<{ candidate: Candidate; blendedUsdPerMTok: number }> = [];
  for (const ref of refs) {
    const { provider: providerId, model: modelId } = splitRef(ref)!;
    const provider = catalog.providers[providerId];
    const price = lookupModel(catalog, ref)?.price;
    if (!usable(provider) || !price) continue;
    priced.push({
      candidate: withWindow({ ref, provider, modelId }, catalog),
      blendedUsdPerMTok: price.inputPerMTokUsd + price.outputPerMTokUsd,
    });
  }
  priced.sort(
    (a, b) => a.blendedUsdPerMTok - b.blendedUsdPerMTok || (a.candidate.ref < b.candidate.ref ? -1 : 1),
  );
  return priced.slice(0, automaticCandidateCount).map((entry) => entry.candidate);
}

/** The candidate with its catalog context window, which fallback on context overflow compares. */
function withWindow(candidate: Candidate, catalog: QuorumCatalog): Candidate {
  const contextWindow = lookupModel(catalog, candidate.ref)?.contextWindow;
  return contextWindow === undefined ? candidate : { ...candidate, contextWindow };
}
