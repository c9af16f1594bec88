/**
 * Anthropic list prices. `cacheWrite` is the 5-minute cache write (1.25 x input); 1-hour writes
 * cost 2 x input and are not distinguished by the usage the AI SDK reports, so they are undercounted.
 * Cache reads are 0.1 x input. Extended-thinking tokens bill as output.
 */
import { type PriceTable, type PriceTableEntry, perMTok } from "./entry.js";

const chat = ["json", "tools", "vision"] as const;

/** Sonnet 4 / 4.5 with the 1M-token context beta: the whole call costs more past 200K input tokens. */
const sonnetLongContext = { aboveInputTokens: 200_000, price: perMTok(6, 22.5, 0.6, 7.5) };

const sonnet = (maxOutputTokens: number, extra: Partial<PriceTableEntry> = {}): PriceTableEntry => ({
  contextWindow: 200_000,
  maxOutputTokens,
  capabilities: [...chat],
  price: perMTok(3, 15, 0.3, 3.75),
  ...extra,
});

const opus4 = (extra: Partial<PriceTableEntry> = {}): PriceTableEntry => ({
  contextWindow: 200_000,
  maxOutputTokens: 32_000,
  capabilities: [...chat],
  price: perMTok(15, 75, 1.5, 18.75),
  ...extra,
});

export const anthropicModels: PriceTable = {
  "anthropic/claude-3-haiku-20240307": {
    contextWindow: 200_000,
    maxOutputTokens: 4_096,
    capabilities: [...chat],
    price: perMTok(0.25, 1.25, 0.03, 0.3),
  },
  "anthropic/claude-3-5-haiku-20241022": {
    contextWindow: 200_000,
    maxOutputTokens: 8_192,
    capabilities: ["json", "tools"],
    price: perMTok(0.8, 4, 0.08, 1),
    aliases: ["claude-3-5-haiku-latest"],
  },
  "anthropic/claude-3-5-sonnet-20241022": sonnet(8_192, {
    aliases: ["claude-3-5-sonnet-latest"],
    notes: "Deprecated by Anthropic in 2025; kept so older workflows still price.",
  }),
  "anthropic/claude-3-7-sonnet-20250219": sonnet(64_000, { aliases: ["claude-3-7-sonnet-latest"] }),
  "anthropic/claude-sonnet-4-20250514": sonnet(64_000, {
    aliases: ["claude-sonnet-4-0"],
    longContext: sonnetLongContext,
  }),
  "anthropic/claude-sonnet-4-5-20250929": sonnet(64_000, {
    aliases: ["claude-sonnet-4-5"],
    longContext: sonnetLongContext,
  }),
  "anthropic/claude-opus-4-20250514": opus4({ aliases: ["claude-opus-4-0"] }),
  "anthropic/claude-opus-4-1-20250805": opus4({ aliases: ["claude-opus-4-1"] }),
  "anthropic/claude-opus-4-5-20251101": {
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    capabilities: [...chat],
    price: perMTok(5, 25, 0.5, 6.25),
    aliases: ["claude-opus-4-5"],
  },
  "anthropic/claude-haiku-4-5-20251001": {
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    capabilities: [...chat],
    price: perMTok(1, 5, 0.1, 1.25),
    aliases: ["claude-haiku-4-5"],
  },
};
