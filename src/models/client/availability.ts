/**
 * Which providers can take a call right now. A hosted provider is usable when the environment holds a
 * key for it. A keyless server (Ollama, vLLM, LM Studio, llama.cpp, a keyless proxy from config) is
 * usable when it answers: it is probed once with `GET <baseURL>/models` and the answer cached, so a
 * machine without Ollama does not see "ollama" offered, and a sensitive step fails closed instead of
 * waiting for a server that is not there. The in-process GGUF provider is usable when node-llama-cpp
 * is installed and some model file is known (config path, QUORUM_LOCAL_MODEL, or a pulled file).
 */
import type { ProviderPreset, QuorumCatalog } from "../catalog/index.js";
import { localUnavailableReason } from "../local/index.js";
import { apiKeysFromEnv } from "./keys.js";

/** What a probe of a keyless server found. */
export interface ServerProbe {
  reachable: boolean;
  /** Model ids the server lists (`data[].id`), empty when it lists none. */
  modelIds: string[];
}

/** How long a probe may take; a local server answers in milliseconds. */
export const defaultProbeTimeoutMs = 1_500;

/** Asks a server for its model list; any HTTP answer (even 401 or 404) proves it is running. */
export async function probeServer(
  baseURL: string,
  fetch: typeof globalThis.fetch,
  timeoutMs = defaultProbeTimeoutMs,
): Promise<ServerProbe> {
  try {
    const response = await fetch(`${baseURL.replace(/\/+$/, "")}/models`, {
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => undefined)) as
      | { data?: Array<{ id?: unknown }> }
      | undefined;
    const modelIds = Array.isArray(body?.data)
      ? body.data.map((entry) => entry.id).filter((id): id is string => typeof id === "string")
      : [];
    return { reachable: true, modelIds: response.ok ? modelIds : [] };
  } catch {
    return { reachable: false, modelIds: [] };
  }
}

/** Needs no key and is reached over HTTP, so it is usable exactly when it answers. */
export function isProbedServer(provider: ProviderPreset): boolean {
  return provider.kind !== "local" && !provider.apiKeyRequired && provider.baseURL !== undefined;
}

/**
 * Why a provider cannot be used, from configuration alone (`undefined` when it can, or when only a
 * probe can tell). Used for skip messages, so it names the variable to set.
 */
export function unavailableReason(
  provider: ProviderPreset,
  env: Record<string, string | undefined>,
  /** Lets an in-process provider count the model paths declared in config. */
  catalog?: QuorumCatalog,
): string | undefined {
  if (provider.kind === "local") return localUnavailableReason(provider, env, catalog);
  if (apiKeysFromEnv(provider, env).length > 0 || !provider.apiKeyRequired) return undefined;
  const names = provider.apiKeyEnv ? `${provider.apiKeyEnv} (or ${provider.apiKeyEnv}_1.._N)` : "an API key";
  return `provider '${provider.id}' has no API key: set ${names}`;
}

/**
 * A few lines telling the user how to make at least one provider available: which key variables the
 * catalog reads, which local servers it looks for, and that `--dry-run` needs none.
 */
export function explainNoProvider(catalog: QuorumCatalog, env: Record<string, string | undefined>): string {
  const providers = Object.values(catalog.providers);
  const keyNames = providers
    .filter((provider) => provider.apiKeyRequired && provider.apiKeyEnv)
    .map((provider) => provider.apiKeyEnv!);
  const servers = providers.filter(isProbedServer);
  const emptyKeys = keyNames.filter((name) => env[name] !== undefined && env[name]?.trim() === "");
  const lines = ["No model provider is available: no API key is set and no local model server answered."];
  if (keyNames.length > 0)
    lines.push(
      `- Hosted: set an API key, e.g. ${keyNames.slice(0, 4).join(", ")}${keyNames.length > 4 ? ", …" : ""} (pools: ${keyNames[0]}_1, ${keyNames[0]}_2, …).`,
    );
  if (emptyKeys.length > 0) lines.push(`  These are set but empty: ${emptyKeys.join(", ")}.`);
  if (servers.length > 0) {
    const where = servers.map((server) => `${server.displayName} at ${server.baseURL}`).join(", ");
    lines.push(
      `- Local: run Ollama (\`ollama serve\`, then \`ollama pull llama3.1:8b\`) or another server: ${where}.`,
    );
  }
  lines.push(
    "- In-process: `quorum models pull <alias|url>` (or set QUORUM_LOCAL_MODEL=/path/to/model.gguf), then use local/<name>; needs `npm install node-llama-cpp`.",
  );
  lines.push(
    "- Or try the workflow without any model: `quorum run --dry-run` answers with schema-valid placeholders.",
  );
  return lines.join("\n");
}
