/**
 * OpenAI list prices. Prompt caching is automatic and writes cost nothing extra, so no cache-write
 * price is given (writes bill as input). Reasoning tokens bill as output.
 */
import { type PriceTable, perMTok } from "./entry.js";

const chat = ["json", "tools", "vision"] as const;

export const openaiModels: PriceTable = {
  "openai/gpt-4o": {
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    capabilities: [...chat],
    price: perMTok(2.5, 10, 1.25),
  },
  "openai/gpt-4o-mini": {
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    capabilities: [...chat],
    price: perMTok(0.15, 0.6, 0.075),
  },
  "openai/gpt-4.1": {
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: [...chat],
    price: perMTok(2, 8, 0.5),
  },
  "openai/gpt-4.1-mini": {
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: [...chat],
    price: perMTok(0.4, 1.6, 0.1),
  },
  "openai/gpt-4.1-nano": {
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    capabilities: [...chat],
    price: perMTok(0.1, 0.4, 0.025),
  },
  "openai/o3": {
    contextWindow: 200_000,
    maxOutputTokens: 100_000,
    capabilities: [...chat],
    price: perMTok(2, 8, 0.5),
    notes: "Price after the June 2025 reduction.",
  },
  "openai/o3-mini": {
    contextWindow: 200_000,
    maxOutputTokens: 100_000,
    capabilities: ["json", "tools"],
    price: perMTok(1.1, 4.4, 0.55),
  },
  "openai/o4-mini": {
    contextWindow: 200_000,
    maxOutputTokens: 100_000,
    capabilities: [...chat],
    price: perMTok(1.1, 4.4, 0.275),
  },
  "openai/gpt-5": {
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    capabilities: [...chat],
    price: perMTok(1.25, 10, 0.125),
  },
  "openai/gpt-5.1": {
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    capabilities: [...chat],
    price: perMTok(1.25, 10, 0.125),
  },
  "openai/gpt-5-mini": {
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    capabilities: [...chat],
    price: perMTok(0.25, 2, 0.025),
  },
  "openai/gpt-5-nano": {
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    capabilities: [...chat],
    price: perMTok(0.05, 0.4, 0.005),
  },
};
