/**
 * `quorum models check`: one cheap request per API key (a one-token answer from the provider's
 * cheapest listed model, or `GET /models` for a host with no listed model) to tell which keys work
 * before a run depends on them. Keys are named by the environment variable that holds them (their
 * alias) and never printed; provider messages are redacted like every model-layer error.
 */
import { APICallError, generateText } from "ai";
import type { ProviderPreset, QuorumCatalog } from "../catalog/index.js";
import { apiKeyEnvNames, parseModelRef } from "../catalog/index.js";
import { ProviderCache } from "../client/providers.js";
import { redactSecrets } from "../client/redact.js";
import { retryAfterMsFromHeaders } from "../middleware/index.js";

export type KeyStatus = "valid" | "invalid" | "rate-limited" | "unreachable" | "error";

export interface KeyCheck {
  provider: string;
  /** The environment variable holding the key, e.g. `GROQ_API_KEY_2`. */
  keyAlias: string;
  status: KeyStatus;
  /** The model pinged, or `GET /models`. */
  probe: string;
  httpStatus?: number;
  retryAfterMs?: number;
  latencyMs: number;
  message?: string;
}

export interface KeyCheckOptions {
  fetch?: typeof globalThis.fetch;
  /** Per key; a provider slower than this is reported unreachable (default 15 000). */
  timeoutMs?: number;
  now?: () => number;
  /** Only these provider ids (default: every provider with a key in the environment). */
  providers?: readonly string[];
}

/** Every key of a provider with the variable it came from (the first variable wins a duplicate value). */
export function keysWithAliases(
  provider: ProviderPreset,
  env: Record<string, string | undefined>,
): Array<{ alias: string; key: string }> {
  const found: Array<{ alias: string; key: string }> = [];
  for (const name of apiKeyEnvNames(provider)) {
    const numbered = Object.keys(env)
      .filter((variable) => variable.startsWith(`${name}_`) && /^\d+$/.test(variable.slice(name.length + 1)))
      .sort((a, b) => Number(a.slice(name.length + 1)) - Number(b.slice(name.length + 1)));
    for (const alias of [name, ...numbered]) {
      const key = env[alias]?.trim();
      if (key && !found.some((entry) => entry.key === key)) found.push({ alias, key });
    }
  }
  return found;
}

/** The cheapest priced, non-alias catalog model of a provider (the cheapest ping). */
function pingModel(catalog: QuorumCatalog, providerId: string): string | undefined {
  const rows = Object.values(catalog.models).filter(
    (model) => !model.aliasOf && model.price && parseModelRef(model.ref).provider === providerId,
  );
  rows.sort(
    (a, b) =>
      a.price!.inputPerMTokUsd +
        a.price!.outputPerMTokUsd -
        (b.price!.inputPerMTokUsd + b.price!.outputPerMTokUsd) || (a.ref < b.ref ? -1 : 1),
  );
  return rows[0] ? parseModelRef(rows[0].ref).model : undefined;
}

/** Checks every key of every provider that has one in `env`, all at once. */
export async function checkKeys(
  catalog: QuorumCatalog,
  env: Record<string, string | undefined>,
  options: KeyCheckOptions = {},
): Promise<KeyCheck[]> {
  const fetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const models = new ProviderCache(fetch);
  const jobs: Array<Promise<KeyCheck>> = [];
  const secrets = new Set<string>();
  for (const provider of Object.values(catalog.providers)) {
    if (provider.kind === "local" || (options.providers && !options.providers.includes(provider.id)))
      continue;
    for (const { alias, key } of keysWithAliases(provider, env)) {
      secrets.add(key);
      jobs.push(checkOne(provider, alias, key));
    }
  }
  const results = await Promise.all(jobs);
  return results.map((r) => (r.message ? { ...r, message: redactSecrets(r.message, secrets) } : r));

  async function checkOne(provider: ProviderPreset, keyAlias: string, key: string): Promise<KeyCheck> {
    const modelId = pingModel(catalog, provider.id);
    const started = now();
    const signal = AbortSignal.timeout(options.timeoutMs ?? 15_000);
    const base = { provider: provider.id, keyAlias, probe: modelId ?? "GET /models" };
    try {
      if (modelId === undefined) {
        const response = await fetch(`${(provider.baseURL ?? "").replace(/\/+$/, "")}/models`, {
          headers: { authorization: `Bearer ${key}` },
          signal,
        });
        await response.body?.cancel();
        if (!response.ok)
          throw new APICallError({
            message: response.statusText,
            url: response.url,
            requestBodyValues: {},
            statusCode: response.status,
            responseHeaders: Object.fromEntries(response.headers),
          });
      } else
        await generateText({
          model: models.model(provider, key, modelId),
          prompt: "ping",
          maxOutputTokens: 1,
          maxRetries: 0,
          abortSignal: signal,
        });
      return { ...base, status: "valid", latencyMs: now() - started };
    } catch (error) {
      return { ...base, ...classify(error, now()), latencyMs: now() - started };
    }
  }
}

function classify(
  error: unknown,
  nowMs: number,
): Pick<KeyCheck, "status" | "httpStatus" | "retryAfterMs" | "message"> {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").slice(0, 200);
  if (!APICallError.isInstance(error) || error.statusCode === undefined)
    return { status: "unreachable", message };
  const httpStatus = error.statusCode;
  if (httpStatus === 401 || httpStatus === 403) return { status: "invalid", httpStatus, message };
  if (httpStatus === 429) {
    const retryAfterMs = retryAfterMsFromHeaders(error.responseHeaders, nowMs);
    return {
      status: "rate-limited",
      httpStatus,
      message,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
  }
  return { status: "error", httpStatus, message };
}
