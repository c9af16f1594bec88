/**
 * What the validator and planner know about providers and models. The built-in catalog lives in
 * `src/models/catalog.ts`; `quorum.config.yaml` adds to it. Passed in as data so the definition
 * layer stays free of the model layer.
 */
import type { ModelPrice } from "./plan.js";

export interface ProviderInfo {
  id: string;
  /** Runs on this machine (Ollama, llama.cpp, in-process GGUF): may receive sensitive content. */
  local: boolean;
  /** Serves arbitrary model ids (OpenRouter, Ollama, vLLM...), so unknown ids are not suspicious. */
  openModelSet: boolean;
  /** Environment variable holding the key (numbered pools `<NAME>_1..N` also count). */
  apiKeyEnv?: string;
}

export interface ModelInfo {
  /** `provider/model`. */
  ref: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  capabilities?: Array<"json" | "tools" | "vision" | "long-context">;
  price?: ModelPrice;
}

export interface ModelCatalog {
  providers: Record<string, ProviderInfo>;
  models: Record<string, ModelInfo>;
}
