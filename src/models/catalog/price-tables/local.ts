/**
 * A few models commonly pulled into Ollama, listed so plans show their context window. Every
 * local model costs 0 whether listed or not (`priceForRef` prices unlisted local refs at 0 too).
 * Context windows are the models' own; Ollama's default `num_ctx` is smaller unless configured.
 */
import { type PriceTable, perMTok } from "./entry.js";

const free = perMTok(0, 0);

export const localModels: PriceTable = {
  "ollama/qwen2.5:14b": { contextWindow: 32_768, capabilities: ["json", "tools"], price: free },
  "ollama/qwen2.5-coder:32b": { contextWindow: 32_768, capabilities: ["json", "tools"], price: free },
  "ollama/llama3.1:8b": { contextWindow: 131_072, capabilities: ["json", "tools"], price: free },
  "ollama/llama3.3:70b": { contextWindow: 131_072, capabilities: ["json", "tools"], price: free },
};
