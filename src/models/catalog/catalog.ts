/**
 * The catalog the validator, planner and model layer share: built-in provider presets and price
 * table, extended and overridden by `quorum.config.yaml`. Plain data in, plain data out.
 */
import type { ModelCatalog, ModelInfo, ModelPrice } from "../../spec/index.js";
import type { ModelLimits } from "./limits.js";
import { parseModelRef } from "./model-ref.js";
import { type LongContextPrice, longContextTokens, type PriceTableEntry, priceTable } from "./prices.js";
import { type ProviderPreset, providerPreset, providerPresets } from "./providers.js";

/** A model as the catalog holds it: the spec's `ModelInfo` plus tiering and caveats. */
export interface CatalogModel extends ModelInfo {
  longContext?: LongContextPrice;
  notes?: string;
  /** Set on alias entries: the dated ref this one stands for. */
  aliasOf?: string;
  /** GGUF file of an in-process (`kind: local`) model, absolute once loaded from config. */
  path?: string;
  /** Per-key limits for this model (on top of its provider's) and a concurrency cap for the model. */
  limits?: ModelLimits;
}

/** A `ModelCatalog` whose providers carry their presets (kind, baseURL, key variables). */
export interface QuorumCatalog extends ModelCatalog {
  providers: Record<string, ProviderPreset>;
  models: Record<string, CatalogModel>;
}

/** What config may add: a provider derived from a preset or overriding one, and model rows. */
export interface CatalogAdditions {
  providers?: Record<string, ProviderAddition>;
  models?: Record<string, ModelAddition>;
}

export type ProviderAddition = Partial<Omit<ProviderPreset, "id">> & {
  /** Start from this provider (built-in or already in the base catalog), e.g. a second Ollama host. */
  preset?: string;
};

export type ModelAddition = Partial<Omit<CatalogModel, "ref">>;

function modelFromEntry(ref: string, entry: PriceTableEntry, aliasOf?: string): CatalogModel {
  const longContext = entry.contextWindow !== undefined && entry.contextWindow >= longContextTokens;
  return {
    ref,
    ...(entry.contextWindow === undefined ? {} : { contextWindow: entry.contextWindow }),
    ...(entry.maxOutputTokens === undefined ? {} : { maxOutputTokens: entry.maxOutputTokens }),
    capabilities: [...entry.capabilities, ...(longContext ? (["long-context"] as const) : [])],
    ...(entry.price ? { price: { ...entry.price } } : {}),
    ...(entry.longContext ? { longContext: structuredClone(entry.longContext) } : {}),
    ...(entry.notes ? { notes: entry.notes } : {}),
    ...(aliasOf ? { aliasOf } : {}),
  };
}

/** A fresh copy of the built-in catalog (callers may mutate it freely). */
export function builtinCatalog(): QuorumCatalog {
  const providers: Record<string, ProviderPreset> = {};
  for (const [id, preset] of Object.entries(providerPresets)) providers[id] = structuredClone(preset);
  const models: Record<string, CatalogModel> = {};
  for (const [ref, entry] of Object.entries(priceTable)) {
    models[ref] = modelFromEntry(ref, entry);
    const { provider } = parseModelRef(ref);
    for (const alias of entry.aliases ?? []) {
      const aliasRef = `${provider}/${alias}`;
      models[aliasRef] = modelFromEntry(aliasRef, entry, ref);
    }
  }
  return { providers, models };
}

/** A provider config does not build on: an OpenAI-compatible server whose model list is unknown. */
function customProvider(id: string, addition: ProviderAddition): ProviderPreset {
  return {
    id,
    displayName: id,
    kind: "openai-compatible",
    local: false,
    openModelSet: true,
    apiKeyRequired: addition.apiKeyEnv !== undefined,
  };
}

function mergeProvider(base: QuorumCatalog, id: string, addition: ProviderAddition): ProviderPreset {
  const { preset, ...fields } = addition;
  let start: ProviderPreset | undefined;
  if (preset !== undefined) {
    start = base.providers[preset] ?? providerPreset(preset);
    if (!start)
      throw new TypeError(
        `provider '${id}': unknown preset '${preset}' (known: ${Object.keys(providerPresets).join(", ")})`,
      );
  } else start = base.providers[id] ?? customProvider(id, addition);
  const defined = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
  return { ...structuredClone(start), ...defined, id };
}

function mergeModel(existing: CatalogModel | undefined, ref: string, addition: ModelAddition): CatalogModel {
  const defined = Object.fromEntries(Object.entries(addition).filter(([, value]) => value !== undefined));
  const merged: CatalogModel = { ...(existing ? structuredClone(existing) : {}), ...defined, ref };
  // A configured price replaces the built-in one wholesale, tiers included: they belonged to the old price.
  if (addition.price && !addition.longContext) delete merged.longContext;
  // An override stands on its own; it no longer mirrors the dated model it was an alias of.
  if (existing?.aliasOf) delete merged.aliasOf;
  return merged;
}

/**
 * `base` with `additions` applied, as a new catalog. Providers: config fields override the preset
 * or existing provider they name; a new id without a preset becomes an OpenAI-compatible server
 * with an open model set. Models: fields override field by field, except `price`, which replaces
 * the whole price row (and drops any long-context tier not restated).
 */
export function mergeCatalog(base: QuorumCatalog, additions: CatalogAdditions): QuorumCatalog {
  const result: QuorumCatalog = structuredClone(base);
  for (const [id, addition] of Object.entries(additions.providers ?? {}))
    result.providers[id] = mergeProvider(base, id, addition);
  for (const [ref, addition] of Object.entries(additions.models ?? {}))
    result.models[ref] = mergeModel(result.models[ref], ref, addition);
  return result;
}

const free: ModelPrice = { inputPerMTokUsd: 0, outputPerMTokUsd: 0 };

/**
 * The model row for a ref, or for a local provider's unlisted model a row priced at 0, since
 * local inference has no per-token bill. Undefined for unknown hosted models and providers.
 */
export function lookupModel(catalog: ModelCatalog, ref: string): CatalogModel | undefined {
  const listed = catalog.models[ref] as CatalogModel | undefined;
  const { provider } = parseModelRef(ref);
  const local = catalog.providers[provider]?.local === true;
  // A local model declared only for its path or context window is still free.
  if (listed) return listed.price || !local ? listed : { ...listed, price: { ...free } };
  if (local) return { ref, price: { ...free } };
  return undefined;
}

/** Just the prices, keyed by ref, in the shape the planner's `PlanContext.prices` takes. */
export function pricesOf(catalog: ModelCatalog): Record<string, ModelPrice> {
  const prices: Record<string, ModelPrice> = {};
  for (const [ref, model] of Object.entries(catalog.models)) if (model.price) prices[ref] = model.price;
  return prices;
}
