/**
 * `createModelClient`: the real `ModelClient`. It turns a step's request into AI SDK calls: picks the
 * candidate models that can be used now, walks them in order (retrying transient failures on each,
 * rotating keys, honouring Retry-After), and returns the first answer with its exact cost. It is the
 * only retry loop between a step and a provider; the SDK is always called with `maxRetries: 0`.
 */
import { ModelCallError } from "../../errors/index.js";
import type { ModelCallOptions, ModelClient, ModelRequest, ModelResponse } from "../../spec/index.js";
import type { QuorumCatalog } from "../catalog/index.js";
import { configuredLocalPaths, localModelIds } from "../local/index.js";
import { isProbedServer, unavailableReason } from "./availability.js";
import { sleepMs } from "./backoff.js";
import { type ProviderView, planCandidates } from "./candidates.js";
import { apiKeysFromEnv, KeyRing } from "./keys.js";
import { CallLedger } from "./ledger.js";
import { type LoopContext, tryCandidate } from "./model-loop.js";
import { noCandidateError } from "./no-candidate.js";
import { ProviderCache } from "./providers.js";
import { redactSecrets } from "./redact.js";
import { ServerProbes } from "./server-probes.js";

export interface ModelClientOptions {
  catalog: QuorumCatalog;
  /** Usually `process.env`; read once, when the client is created. */
  env: Record<string, string | undefined>;
  now?: () => number;
  /** Waits between attempts; must reject when the signal aborts. Tests inject one that records delays. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Source of backoff jitter in [0, 1). */
  random?: () => number;
  /** Attempts per model on retryable failures before falling back (default 3). */
  maxAttemptsPerModel?: number;
  /** A Retry-After longer than this gives the model up instead of waiting (default 60 000). */
  maxRetryAfterMs?: number;
  /** One attempt that has not answered by then is aborted and counts as retryable (default 300 000). */
  attemptTimeoutMs?: number;
  /** How long a probe of a keyless local server is trusted (default 30 000). */
  serverProbeTtlMs?: number;
  /** Used for every provider request and server probe. */
  fetch?: typeof globalThis.fetch;
}

/** A `ModelClient` that can also say which providers it could use. */
export interface QuorumModelClient extends ModelClient {
  /** Ids of the providers usable now: a key is set, or a keyless server answered its probe. */
  availableProviders(): Promise<string[]>;
}

export function createModelClient(options: ModelClientOptions): QuorumModelClient {
  const { catalog, env } = options;
  const now = options.now ?? Date.now;
  const fetch = options.fetch ?? globalThis.fetch;
  const rings = new Map<string, KeyRing>();
  const secrets = new Set<string>();
  for (const provider of Object.values(catalog.providers)) {
    const keys = apiKeysFromEnv(provider, env);
    for (const key of keys) secrets.add(key);
    rings.set(provider.id, new KeyRing(keys));
  }
  const ring = (id: string) => rings.get(id) ?? new KeyRing([]);
  // Configuration does not change under a client, so what it rules out is decided once, not per call.
  const configReasons = new Map(
    Object.values(catalog.providers).map((provider) => [
      provider.id,
      unavailableReason(provider, env, catalog),
    ]),
  );
  const localServed = new Map(
    Object.values(catalog.providers).map((provider) => [provider.id, localModelIds(catalog, provider, env)]),
  );
  const providers = new ProviderCache(options.fetch, { env, configuredPaths: configuredLocalPaths(catalog) });
  const probes = new ServerProbes(fetch, now, options.serverProbeTtlMs ?? 30_000);

  const view: ProviderView = {
    unavailableReason(id) {
      const provider = catalog.providers[id];
      if (!provider) return `unknown provider '${id}'`;
      const reason = configReasons.get(id);
      if (reason) return reason;
      if (!ring(id).usable)
        return `every API key for '${id}' was rejected (401/403) earlier in this process; check ${provider.apiKeyEnv ?? "its key"}`;
      if (isProbedServer(provider) && !probes.known(id)?.reachable)
        return `${provider.displayName} is not reachable at ${provider.baseURL}; start it (for Ollama: \`ollama serve\`)`;
      return undefined;
    },
    servedModels: (id) => probes.known(id)?.modelIds ?? localServed.get(id) ?? [],
  };

  /** Probes the keyless servers this request could use (all of them when the client picks). */
  async function probeFor(request?: ModelRequest): Promise<void> {
    const named = request && request.models.length > 0 ? new Set(request.models.map(providerOf)) : undefined;
    const servers = Object.values(catalog.providers).filter(
      (provider) => isProbedServer(provider) && (!named || named.has(provider.id)),
    );
    await probes.refresh(servers.map((server) => ({ id: server.id, baseURL: server.baseURL! })));
  }

  async function generate(request: ModelRequest, callOptions?: ModelCallOptions): Promise<ModelResponse> {
    const signal = callOptions?.signal;
    signal?.throwIfAborted();
    await untilAborted(probeFor(request), signal);
    const { candidates, skipped } = planCandidates(request, catalog, view);
    const ledger = new CallLedger(catalog);
    for (const failure of skipped) ledger.fail(failure);
    if (candidates.length === 0) throw noCandidateError(request, ledger.failures, catalog, env, view);

    const context: LoopContext = {
      ring,
      providers,
      now,
      sleep: options.sleep ?? sleepMs,
      random: options.random ?? Math.random,
      maxAttemptsPerModel: Math.max(1, options.maxAttemptsPerModel ?? 3),
      maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
      attemptTimeoutMs: options.attemptTimeoutMs ?? 300_000,
      redact: (text) => redactSecrets(text, secrets),
      ledger,
      signal,
    };
    for (const candidate of candidates) {
      const outcome = await tryCandidate(candidate, request, context);
      if (outcome.type !== "answered") continue;
      const { text, usage, finishReason, toolCalls } = outcome.result;
      const costUsd = ledger.costUsd();
      return {
        text,
        model: candidate.ref,
        usage: {
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          ...(usage.cachedInputTokens ? { cachedInputTokens: usage.cachedInputTokens } : {}),
          ...(usage.reasoningTokens ? { reasoningTokens: usage.reasoningTokens } : {}),
        },
        ...(costUsd === undefined ? {} : { costUsd }),
        ...(finishReason ? { finishReason } : {}),
        ...(toolCalls ? { toolCalls } : {}),
      };
    }
    const tried = candidates.map((candidate) => candidate.ref).join(", ");
    throw new ModelCallError(`every candidate model failed (${tried})`, {
      attempts: ledger.failures,
      isRetryable: ledger.transientExhaustion,
      ...(ledger.shortestRetryAfterMs === undefined ? {} : { retryAfterMs: ledger.shortestRetryAfterMs }),
      ...(ledger.costUsd() === undefined ? {} : { costUsd: ledger.costUsd() }),
    });
  }

  return {
    specificationVersion: "v1",
    generate,
    async availableProviders() {
      await probeFor();
      return Object.keys(catalog.providers).filter((id) => view.unavailableReason(id) === undefined);
    },
  };
}

/** `work`, or the signal's reason as soon as it aborts (a slow probe must not delay a cancellation). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function providerOf(ref: string): string {
  const slash = ref.indexOf("/");
  return slash < 0 ? ref : ref.slice(0, slash);
}
