/**
 * The built-in model catalog: provider presets, the price table, merging with `quorum.config.yaml`,
 * and `provider/model` reference parsing.
 */
export {
  builtinCatalog,
  type CatalogAdditions,
  type CatalogModel,
  lookupModel,
  type ModelAddition,
  mergeCatalog,
  type ProviderAddition,
  pricesOf,
  type QuorumCatalog,
} from "./catalog.js";
export { additionsFromConfig, priceFromConfig } from "./from-config.js";
export type { KeyRotation, ModelLimits } from "./limits.js";
export { formatModelRef, type ModelRefParts, parseModelRef } from "./model-ref.js";
export {
  type Capability,
  type LongContextPrice,
  longContextTokens,
  type PriceTable,
  type PriceTableEntry,
  perMTok,
  pricesCheckedOn,
  priceTable,
} from "./prices.js";
export {
  apiKeyEnvNames,
  type BuiltinProviderId,
  type ProviderKind,
  type ProviderPreset,
  providerPreset,
  providerPresets,
} from "./providers.js";
