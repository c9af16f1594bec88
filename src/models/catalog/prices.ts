/**
 * The built-in price table: context windows, output limits, capabilities and list prices of the
 * major hosted models, so `quorum plan` can estimate cost and `quorum run` can account for it
 * without any configuration.
 *
 * Prices are public list prices (standard tier, no batch, priority or regional surcharges) in USD
 * per million tokens, as known on {@link pricesCheckedOn}. They go stale: every entry can be
 * overridden, and new models added, under `models:` in `quorum.config.yaml`. A model is listed
 * without a price when its price was not known with confidence; its steps then show as unpriced
 * instead of wrongly priced. Local models cost 0.
 */
import { anthropicModels } from "./price-tables/anthropic.js";
import type { PriceTable } from "./price-tables/entry.js";
import { googleModels } from "./price-tables/google.js";
import { localModels } from "./price-tables/local.js";
import { openaiModels } from "./price-tables/openai.js";
import { otherHostModels } from "./price-tables/other-hosts.js";

export {
  type Capability,
  type LongContextPrice,
  longContextTokens,
  type PriceTable,
  type PriceTableEntry,
  perMTok,
} from "./price-tables/entry.js";

/** The date the list prices below were last compared with the providers' public price pages. */
export const pricesCheckedOn = "2025-11-30";

/** Every built-in model keyed by `provider/model` (aliases not expanded; the catalog does that). */
export const priceTable: Readonly<PriceTable> = Object.freeze({
  ...openaiModels,
  ...anthropicModels,
  ...googleModels,
  ...otherHostModels,
  ...localModels,
});
