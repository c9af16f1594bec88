/**
 * Hosts other than the big three: Groq, DeepSeek, Mistral, xAI, Cerebras and the OpenRouter ids the
 * seed workflows use. OpenRouter's price for an open-weight model depends on which upstream serves
 * it and moves often, so only a model whose list price was stable is priced; the rest are listed
 * for their context window and show as unpriced until `quorum.config.yaml` sets a price.
 */
import { type PriceTable, type PriceTableEntry, perMTok } from "./entry.js";

const jsonTools = ["json", "tools"] as const;

const entry = (
  contextWindow: number | undefined,
  maxOutputTokens: number | undefined,
  price: PriceTableEntry["price"],
  extra: Partial<PriceTableEntry> = {},
): PriceTableEntry => ({
  ...(contextWindow === undefined ? {} : { contextWindow }),
  ...(maxOutputTokens === undefined ? {} : { maxOutputTokens }),
  capabilities: [...jsonTools],
  ...(price === undefined ? {} : { price }),
  ...extra,
});

const deepseekNote = "DeepSeek-V3.2 pricing (from 2025-09-29): cache hits $0.028, misses $0.28 per MTok.";
const openrouterUnpriced = "OpenRouter price varies by upstream provider; set it in quorum.config.yaml.";

export const otherHostModels: PriceTable = {
  "groq/llama-3.1-8b-instant": entry(131_072, 131_072, perMTok(0.05, 0.08)),
  "groq/llama-3.3-70b-versatile": entry(131_072, 32_768, perMTok(0.59, 0.79)),
  "groq/meta-llama/llama-4-scout-17b-16e-instruct": entry(131_072, 8_192, perMTok(0.11, 0.34), {
    capabilities: [...jsonTools, "vision"],
  }),
  "groq/meta-llama/llama-4-maverick-17b-128e-instruct": entry(131_072, 8_192, perMTok(0.2, 0.6), {
    capabilities: [...jsonTools, "vision"],
  }),

  "deepseek/deepseek-chat": entry(128_000, 8_192, perMTok(0.28, 0.42, 0.028), { notes: deepseekNote }),
  "deepseek/deepseek-reasoner": entry(128_000, 65_536, perMTok(0.28, 0.42, 0.028), { notes: deepseekNote }),

  "mistral/mistral-large-2411": entry(131_072, undefined, perMTok(2, 6), {
    aliases: ["mistral-large-latest"],
  }),
  "mistral/mistral-small-2506": entry(131_072, undefined, perMTok(0.1, 0.3), {
    aliases: ["mistral-small-latest"],
  }),
  "mistral/ministral-8b-2410": entry(131_072, undefined, perMTok(0.1, 0.1), {
    aliases: ["ministral-8b-latest"],
  }),
  "mistral/ministral-3b-2410": entry(131_072, undefined, perMTok(0.04, 0.04), {
    aliases: ["ministral-3b-latest"],
  }),

  "xai/grok-4-0709": entry(256_000, undefined, perMTok(3, 15, 0.75), {
    capabilities: [...jsonTools, "vision"],
    aliases: ["grok-4"],
  }),
  "xai/grok-3-mini": entry(131_072, undefined, perMTok(0.3, 0.5, 0.075)),

  "cerebras/llama3.1-8b": entry(undefined, undefined, perMTok(0.1, 0.1), {
    notes: "Context window depends on the Cerebras plan.",
  }),
  "cerebras/llama-3.3-70b": entry(undefined, undefined, perMTok(0.85, 1.2), {
    notes: "Context window depends on the Cerebras plan.",
  }),

  "openrouter/meta-llama/llama-4-maverick": entry(1_048_576, undefined, perMTok(0.15, 0.6), {
    capabilities: [...jsonTools, "vision"],
    notes: "OpenRouter list price; varies with the upstream provider.",
  }),
  "openrouter/nousresearch/hermes-3-llama-3.1-405b": entry(131_072, undefined, undefined, {
    notes: openrouterUnpriced,
  }),
  "openrouter/qwen/qwen-2-72b-instruct": entry(32_768, undefined, undefined, {
    capabilities: ["json"],
    notes: openrouterUnpriced,
  }),
  "openrouter/deepseek/deepseek-chat-v3-0324": entry(163_840, undefined, undefined, {
    notes: openrouterUnpriced,
  }),
};
