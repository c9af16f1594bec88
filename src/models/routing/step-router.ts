/**
 * The router as the runtime sees it: turns a step's request into `route`'s plain input — catalog
 * rows with availability, the step's routing hints, learned quality for its task type from the
 * store — and returns the decision. The only effect is reading observations.
 */
import type {
  QualityObservation,
  QualityQuery,
  RouteDecision,
  RouteRequest,
  StepRouter,
} from "../../spec/index.js";
import type { QuorumCatalog } from "../catalog/index.js";
import { learnQuality } from "./bandit.js";
import { allHealthy, type HealthView } from "./health.js";
import { seededRandom, seedFrom } from "./random.js";
import { route } from "./route.js";
import type { RoutableModel, RouteInput } from "./types.js";

/** Where learned quality comes from (the store implements it). */
export interface QualitySource {
  listQualityObservations(query: QualityQuery): Promise<QualityObservation[]>;
}

export interface StepRouterOptions {
  readonly catalog: QuorumCatalog;
  /** Why a provider cannot take calls now (no key...), or undefined. */
  readonly providerUnavailable: (providerId: string) => string | undefined;
  readonly quality?: QualitySource;
  readonly health?: HealthView;
  readonly now: () => number;
  readonly halfLifeMs?: number;
}

/** Rough typical latency by provider class, used until health data says otherwise. */
const fastProviders: Readonly<Record<string, number>> = { groq: 400, cerebras: 300 };

export function routableModels(
  catalog: QuorumCatalog,
  providerUnavailable: (providerId: string) => string | undefined,
): RoutableModel[] {
  const models: RoutableModel[] = [];
  for (const [ref, model] of Object.entries(catalog.models)) {
    if (model.aliasOf) continue;
    const providerId = ref.split("/")[0] ?? "";
    const provider = catalog.providers[providerId];
    if (!provider) continue;
    const unavailableReason = providerUnavailable(providerId);
    const price = model.price ? model.price.inputPerMTokUsd + model.price.outputPerMTokUsd : undefined;
    models.push({
      ref,
      local: provider.local,
      capabilities: model.capabilities ?? [],
      ...(price !== undefined ? { priceUsdPerMTok: price } : provider.local ? { priceUsdPerMTok: 0 } : {}),
      typicalLatencyMs: fastProviders[providerId] ?? (provider.local ? 2000 : 1500),
      ...(unavailableReason ? { unavailableReason } : {}),
    });
  }
  return models;
}

export function createStepRouter(options: StepRouterOptions): StepRouter {
  const health = options.health ?? allHealthy;
  const localProviders = new Set(
    Object.values(options.catalog.providers)
      .filter((p) => p.local)
      .map((p) => p.id),
  );
  return async (request: RouteRequest): Promise<RouteDecision> => {
    const step = request.step;
    const hints = request.hints ?? ("routing" in step ? step.routing : undefined) ?? {};
    const taskType = hints.task ?? "general";
    const observations =
      request.explicit.length === 0 && options.quality
        ? await options.quality.listQualityObservations({ taskType })
        : [];
    const input: RouteInput = {
      explicit: request.explicit,
      localProviders,
      hints,
      needsJson: request.needsJson,
      sensitive: request.sensitive,
      // Explicit models are used as named: no need to list the catalog.
      models: request.explicit.length > 0 ? [] : routableModels(options.catalog, options.providerUnavailable),
      health,
      learned: learnQuality(observations, {
        nowMs: options.now(),
        ...(options.halfLifeMs !== undefined ? { halfLifeMs: options.halfLifeMs } : {}),
      }),
      random: seededRandom(
        seedFrom(`${request.runId}/${step.id}/${request.round}/${request.attempt}/${request.purpose}`),
      ),
    };
    return route(input);
  };
}
