/**
 * Built-in provider presets: how to reach each provider quorum knows by name, which key it needs,
 * and whether it runs on this machine. Plain data, so the docs, the validator and `quorum.config.yaml`
 * presets (`providers: { ollama02: { preset: ollama, baseURL: ... } }`) all read the same table.
 */
import type { ProviderInfo } from "../../spec/index.js";
import type { KeyRotation, ModelLimits } from "./limits.js";

/**
 * Which client speaks to the provider. `openai` and `anthropic` use their own AI SDK providers,
 * `google` the Gemini one, `openai-compatible` a chat-completions server, `local` node-llama-cpp
 * inside this process.
 */
export type ProviderKind = "openai" | "anthropic" | "google" | "openai-compatible" | "local";

export interface ProviderPreset extends ProviderInfo {
  /** Human name for messages and docs. */
  displayName: string;
  kind: ProviderKind;
  /** Where requests go unless config overrides it; absent for the in-process `local` provider. */
  baseURL?: string;
  /** Other variables accepted for the key, checked after `apiKeyEnv` (e.g. the AI SDK's own name). */
  apiKeyEnvAliases?: string[];
  /**
   * False when the server works without a key (local servers): a missing key is then not an error,
   * but a key that is set is still sent.
   */
  apiKeyRequired: boolean;
  /** Per-key request/token limits and a concurrency cap for the whole provider (from config). */
  limits?: ModelLimits;
  /** How the key pool picks a key (default round-robin). */
  keyRotation?: KeyRotation;
  /**
   * False for a server that cannot stream (some OpenAI-compatible proxies): its calls use the plain
   * request/response path and their traces carry no time to first token. Default: streamed.
   */
  streaming?: boolean;
}

type Preset = Omit<ProviderPreset, "id">;

const hosted = (
  displayName: string,
  kind: ProviderKind,
  baseURL: string,
  apiKeyEnv: string,
  extra: Partial<Preset> = {},
): Preset => ({
  displayName,
  kind,
  baseURL,
  apiKeyEnv,
  apiKeyRequired: true,
  local: false,
  openModelSet: false,
  ...extra,
});

const localServer = (displayName: string, baseURL: string, extra: Partial<Preset> = {}): Preset => ({
  displayName,
  kind: "openai-compatible",
  baseURL,
  apiKeyRequired: false,
  local: true,
  // A local server serves whatever the user pulled or loaded, so no id can be called unknown.
  openModelSet: true,
  ...extra,
});

const presets = {
  openai: hosted("OpenAI", "openai", "https://api.openai.com/v1", "OPENAI_API_KEY"),
  anthropic: hosted("Anthropic", "anthropic", "https://api.anthropic.com/v1", "ANTHROPIC_API_KEY"),
  google: hosted(
    "Google Gemini",
    "google",
    "https://generativelanguage.googleapis.com/v1beta",
    "GEMINI_API_KEY",
    { apiKeyEnvAliases: ["GOOGLE_GENERATIVE_AI_API_KEY"] },
  ),
  groq: hosted("Groq", "openai-compatible", "https://api.groq.com/openai/v1", "GROQ_API_KEY"),
  // Aggregators and large hosts list hundreds of models that change weekly: unknown ids are normal.
  openrouter: hosted(
    "OpenRouter",
    "openai-compatible",
    "https://openrouter.ai/api/v1",
    "OPENROUTER_API_KEY",
    {
      openModelSet: true,
    },
  ),
  together: hosted("Together AI", "openai-compatible", "https://api.together.xyz/v1", "TOGETHER_API_KEY", {
    openModelSet: true,
    apiKeyEnvAliases: ["TOGETHER_AI_API_KEY"],
  }),
  mistral: hosted("Mistral AI", "openai-compatible", "https://api.mistral.ai/v1", "MISTRAL_API_KEY"),
  deepseek: hosted("DeepSeek", "openai-compatible", "https://api.deepseek.com/v1", "DEEPSEEK_API_KEY"),
  cerebras: hosted("Cerebras", "openai-compatible", "https://api.cerebras.ai/v1", "CEREBRAS_API_KEY"),
  fireworks: hosted(
    "Fireworks AI",
    "openai-compatible",
    "https://api.fireworks.ai/inference/v1",
    "FIREWORKS_API_KEY",
    { openModelSet: true },
  ),
  nvidia: hosted("NVIDIA NIM", "openai-compatible", "https://integrate.api.nvidia.com/v1", "NVIDIA_API_KEY", {
    openModelSet: true,
  }),
  xai: hosted("xAI", "openai-compatible", "https://api.x.ai/v1", "XAI_API_KEY"),
  ollama: localServer("Ollama", "http://localhost:11434/v1"),
  vllm: localServer("vLLM", "http://localhost:8000/v1", { apiKeyEnv: "VLLM_API_KEY" }),
  lmstudio: localServer("LM Studio", "http://localhost:1234/v1"),
  llamacpp: localServer("llama.cpp server", "http://localhost:8080/v1", { apiKeyEnv: "LLAMACPP_API_KEY" }),
  local: {
    displayName: "In-process GGUF (node-llama-cpp)",
    kind: "local",
    apiKeyRequired: false,
    local: true,
    // The model id is a GGUF path or a name from QUORUM_LOCAL_MODEL, never a fixed list.
    openModelSet: true,
  },
} satisfies Record<string, Preset>;

/** Ids of the built-in providers. */
export type BuiltinProviderId = keyof typeof presets;

/** Every built-in preset keyed by id, as plain data (safe to `JSON.stringify` for docs). */
export const providerPresets: Readonly<Record<BuiltinProviderId, ProviderPreset>> = Object.freeze(
  Object.fromEntries(
    Object.entries(presets).map(([id, preset]) => [id, Object.freeze({ id, ...preset })]),
  ) as Record<BuiltinProviderId, ProviderPreset>,
);

/** The preset for an id, or undefined for a name quorum does not know. */
export function providerPreset(id: string): ProviderPreset | undefined {
  return Object.hasOwn(providerPresets, id) ? providerPresets[id as BuiltinProviderId] : undefined;
}

/** Environment variables that may hold the provider's key, in the order they are consulted. */
export function apiKeyEnvNames(provider: Pick<ProviderPreset, "apiKeyEnv" | "apiKeyEnvAliases">): string[] {
  return [...(provider.apiKeyEnv ? [provider.apiKeyEnv] : []), ...(provider.apiKeyEnvAliases ?? [])];
}
