/**
 * `quorum.config.yaml` speaks in short price names (`input`, `output`, ...) and per-model estimate
 * defaults; the catalog speaks `ModelPrice`. This is the one place that translates, so the config
 * schema can stay friendly without leaking into the model layer.
 */
import { resolve } from "node:path";
import type { ConfigFile, ModelPrice } from "../../spec/index.js";
import type { CatalogAdditions, ModelAddition, ProviderAddition } from "./catalog.js";

type ConfigPrice = NonNullable<NonNullable<ConfigFile["models"]>[string]["price"]>;

/** A config price row as a `ModelPrice` (same units: USD per million tokens). */
export function priceFromConfig(price: ConfigPrice): ModelPrice {
  return {
    inputPerMTokUsd: price.input,
    outputPerMTokUsd: price.output,
    ...(price.cachedInput === undefined ? {} : { cachedInputPerMTokUsd: price.cachedInput }),
    ...(price.cacheWrite === undefined ? {} : { cacheWritePerMTokUsd: price.cacheWrite }),
    ...(price.reasoning === undefined ? {} : { reasoningPerMTokUsd: price.reasoning }),
  };
}

/** The catalog additions a parsed config file declares (estimates are the planner's business). */
export function additionsFromConfig(
  config: Pick<ConfigFile, "providers" | "models">,
  /** Folder of the config file: relative model `path`s are resolved against it. */
  baseDir = ".",
): CatalogAdditions {
  const providers: Record<string, ProviderAddition> = {};
  for (const [id, provider] of Object.entries(config.providers ?? {})) {
    providers[id] = {
      ...(provider.preset === undefined ? {} : { preset: provider.preset }),
      ...(provider.baseURL === undefined ? {} : { baseURL: provider.baseURL }),
      ...(provider.apiKeyEnv === undefined ? {} : { apiKeyEnv: provider.apiKeyEnv }),
      ...(provider.local === undefined ? {} : { local: provider.local }),
      ...(provider.limits === undefined ? {} : { limits: { ...provider.limits } }),
      ...(provider.keyRotation === undefined ? {} : { keyRotation: provider.keyRotation }),
      ...(provider.streaming === undefined ? {} : { streaming: provider.streaming }),
    };
  }
  const models: Record<string, ModelAddition> = {};
  for (const [ref, model] of Object.entries(config.models ?? {})) {
    models[ref] = {
      ...(model.contextWindow === undefined ? {} : { contextWindow: model.contextWindow }),
      ...(model.maxOutputTokens === undefined ? {} : { maxOutputTokens: model.maxOutputTokens }),
      ...(model.capabilities === undefined ? {} : { capabilities: [...model.capabilities] }),
      ...(model.price === undefined ? {} : { price: priceFromConfig(model.price) }),
      ...(model.path === undefined ? {} : { path: resolve(baseDir, model.path) }),
      ...(model.limits === undefined ? {} : { limits: { ...model.limits } }),
    };
  }
  return { providers, models };
}
