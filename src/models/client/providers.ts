/**
 * Builds AI SDK language models from catalog presets. One provider object per (provider, key) is kept
 * for the life of the client, so a call costs a map lookup, not a fresh provider (the model layer's
 * overhead budget over a direct SDK call is 0.3 ms). Retries are never left to the SDK: every call
 * site passes `maxRetries: 0`.
 */
import { createAnthropic } from "@ai-sdk/anthropic";
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { ProviderPreset } from "../catalog/index.js";
import { LocalLanguageModel, type LocalModelOptions } from "../local/index.js";

type ModelFactory = (modelId: string) => LanguageModelV3;

/**
 * OpenAI-compatible hosts known to reject `response_format: json_schema`; they get `json_object` and
 * the schema in the system prompt instead. Every other compatible server (Groq, OpenRouter, Mistral,
 * Together, Ollama, vLLM, LM Studio, llama.cpp) is sent the schema natively.
 */
const jsonObjectOnlyProviders: ReadonlySet<string> = new Set(["deepseek"]);

/** True when the provider enforces a JSON Schema itself; otherwise the prompt must carry it. */
export function supportsNativeSchema(provider: ProviderPreset): boolean {
  return !(provider.kind === "openai-compatible" && jsonObjectOnlyProviders.has(provider.id));
}

/**
 * Some SDK providers insist on a key even when the server ignores it (a keyless proxy configured with
 * kind `openai`): they get this placeholder rather than silently reading `process.env`.
 */
const placeholderKey = "quorum-no-key";

function factoryFor(
  provider: ProviderPreset,
  apiKey: string | undefined,
  fetch: typeof globalThis.fetch | undefined,
  local: LocalModelOptions,
) {
  const baseURL = provider.baseURL;
  const common = { ...(baseURL ? { baseURL } : {}), ...(fetch ? { fetch } : {}) };
  switch (provider.kind) {
    case "openai": {
      const sdk = createOpenAI({ ...common, apiKey: apiKey ?? placeholderKey });
      // `.chat()`: the bare provider call speaks the Responses API, which compatible servers lack.
      return (id: string) => sdk.chat(id);
    }
    case "anthropic": {
      const sdk = createAnthropic({ ...common, apiKey: apiKey ?? placeholderKey });
      return (id: string) => sdk(id);
    }
    case "google": {
      const sdk = createGoogleGenerativeAI({ ...common, apiKey: apiKey ?? placeholderKey });
      return (id: string) => sdk(id);
    }
    case "openai-compatible": {
      if (!baseURL)
        throw new TypeError(`provider '${provider.id}' has no baseURL; set one in quorum.config.yaml`);
      const sdk = createOpenAICompatible({
        name: provider.id,
        baseURL,
        ...(apiKey ? { apiKey } : {}),
        ...(fetch ? { fetch } : {}),
        includeUsage: true,
        supportsStructuredOutputs: supportsNativeSchema(provider),
      });
      return (id: string) => sdk.chatModel(id);
    }
    case "local":
      return (id: string) => new LocalLanguageModel(id, { ...local, providerId: provider.id });
  }
}

/** Sees every response's status and headers the moment they arrive, before the SDK reads the body. */
export type ResponseObserver = (
  providerId: string,
  apiKey: string | undefined,
  status: number,
  headers: Headers,
) => void;

/** Language models by (provider, key, model), built on first use. */
export class ProviderCache {
  private readonly factories = new Map<string, ModelFactory>();
  constructor(
    private readonly fetch?: typeof globalThis.fetch,
    /** Where in-process (`kind: local`) models find their GGUF files. */
    private readonly local: LocalModelOptions = { env: {} },
    private readonly observe?: ResponseObserver,
  ) {}

  model(provider: ProviderPreset, apiKey: string | undefined, modelId: string): LanguageModelV3 {
    const cacheKey = `${provider.id}\u0000${apiKey ?? ""}`;
    let factory = this.factories.get(cacheKey);
    if (!factory) {
      factory = factoryFor(provider, apiKey, this.observed(provider.id, apiKey), this.local);
      this.factories.set(cacheKey, factory);
    }
    return factory(modelId);
  }

  /** The fetch for one (provider, key): reports each response's headers to the observer first. */
  private observed(providerId: string, apiKey: string | undefined): typeof globalThis.fetch | undefined {
    const observe = this.observe;
    if (!observe) return this.fetch;
    const base = this.fetch ?? globalThis.fetch;
    return async (input, init) => {
      const response = await base(input, init);
      observe(providerId, apiKey, response.status, response.headers);
      return response;
    };
  }
}
