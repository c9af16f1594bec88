/**
 * Context-window middleware around the `ModelClient` contract: counts the prompt (approximately, see
 * `tokens.ts`), adds the output allowance, and drops candidate models whose context window (from the
 * catalog) cannot hold both, so the model layer never sends a request a provider must refuse. When no
 * candidate fits, the call fails before anything is sent, naming the step, the tokens needed and the
 * largest window available. Models with an unknown window are kept (nothing to check against).
 */
import { ContextWindowError } from "../../errors/index.js";
import type {
  ModelCallOptions,
  ModelCatalog,
  ModelClient,
  ModelRequest,
  ModelResponse,
} from "../../spec/index.js";
import { lookupModel } from "../catalog/index.js";
import { countPromptTokens, withCandidates } from "./tokens.js";

export interface FitResult {
  readonly models: readonly string[];
  readonly tokensNeeded: number;
}

/** The candidates that can hold the request, in their original order; throws when none can. */
export async function fitCandidates(
  request: ModelRequest,
  catalog: ModelCatalog,
  stepId: string,
): Promise<FitResult> {
  const promptTokens = await countPromptTokens(request);
  const tokensNeeded = promptTokens + (request.maxOutputTokens ?? 0);
  const windows = request.models.map((ref) => ({ ref, window: lookupModel(catalog, ref)?.contextWindow }));
  const fitting = windows.filter((w) => w.window === undefined || w.window >= tokensNeeded);
  if (fitting.length > 0 || windows.length === 0) return { models: fitting.map((w) => w.ref), tokensNeeded };
  const largest = windows.reduce((a, b) => ((b.window ?? 0) > (a.window ?? 0) ? b : a));
  throw new ContextWindowError({
    stepId,
    tokensNeeded,
    largestWindowTokens: largest.window ?? 0,
    largestModel: largest.ref,
  });
}

export function withContextFit(inner: ModelClient, catalog: ModelCatalog): ModelClient {
  return {
    specificationVersion: "v1",
    async generate(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
      if (request.models.length === 0) return inner.generate(request, options);
      const { models } = await fitCandidates(request, catalog, options?.context?.stepId ?? "(outside a run)");
      return inner.generate(
        models.length === request.models.length ? request : withCandidates(request, models),
        options,
      );
    },
  };
}
