/**
 * Gemini Developer API list prices (text input). Cached-input prices are left out on purpose: the
 * published context-caching rates changed during 2025 and also carry a per-hour storage fee, so
 * cached tokens are charged at the input price, an upper bound. Thinking tokens bill as output.
 * The 1.5 models were retired by Google in 2025 and are kept so older workflows still price.
 */
import { type PriceTable, type PriceTableEntry, perMTok } from "./entry.js";

const chat = ["json", "tools", "vision"] as const;

const gemini = (
  contextWindow: number,
  maxOutputTokens: number,
  price: PriceTableEntry["price"],
  extra: Partial<PriceTableEntry> = {},
): PriceTableEntry => ({ contextWindow, maxOutputTokens, capabilities: [...chat], price, ...extra });

const retired = "Retired by Google in 2025.";

export const googleModels: PriceTable = {
  "google/gemini-2.5-pro": gemini(1_048_576, 65_536, perMTok(1.25, 10), {
    longContext: { aboveInputTokens: 200_000, price: perMTok(2.5, 15) },
  }),
  "google/gemini-2.5-flash": gemini(1_048_576, 65_536, perMTok(0.3, 2.5)),
  "google/gemini-2.5-flash-lite": gemini(1_048_576, 65_536, perMTok(0.1, 0.4)),
  "google/gemini-2.0-flash": gemini(1_048_576, 8_192, perMTok(0.1, 0.4)),
  "google/gemini-2.0-flash-lite": gemini(1_048_576, 8_192, perMTok(0.075, 0.3)),
  "google/gemini-1.5-pro": gemini(2_097_152, 8_192, perMTok(1.25, 5), {
    longContext: { aboveInputTokens: 128_000, price: perMTok(2.5, 10) },
    notes: retired,
  }),
  "google/gemini-1.5-flash": gemini(1_048_576, 8_192, perMTok(0.075, 0.3), {
    longContext: { aboveInputTokens: 128_000, price: perMTok(0.15, 0.6) },
    notes: retired,
  }),
  "google/gemini-1.5-flash-8b": gemini(1_048_576, 8_192, perMTok(0.0375, 0.15), {
    longContext: { aboveInputTokens: 128_000, price: perMTok(0.075, 0.3) },
    notes: retired,
  }),
};
