/**
 * `createModelClient`: the real `ModelClient`. It turns a step's request into AI SDK calls: picks the
 * candidate models that can be used now, walks them in order (retrying transient failures on each,
 * rotating keys, honouring Retry-After), and returns the first answer with its exact cost. It is the
 * only retry loop between a step and a provider; the SDK is always called with `maxRetries: 0`.
 */

import type { LanguageModelV3 } from "@ai-sdk/provider";
import { ModelCallError, type SecurityNotice } from "../../errors/index.js";
import type { ModelCallOptions, ModelClient, ModelRequest, ModelResponse } from "../../spec/index.js";
import type { KeyRotation, ProviderPreset, QuorumCatalog } from "../catalog/index.js";
import { configuredLocalPaths, localModelIds } from "../local/index.js";
import {
  type AttemptHandler,
  type BreakerPolicy,
  CallState,
  CandidatesExhausted,
  defaultBreakerPolicy,
  HealthRegistry,
  type HealthView,
  KeyPool,
  retryAfterMsFromHeaders,
  sleepMs,
} from "../middleware/index.js";
import { isProbedServer, unavailableReason } from "./availability.js";
import { combine, estimateTokens, providerOf, untilAborted } from "./call-helpers.js";
import { type ProviderView, planCandidates } from "./candidates.js";
import { apiKeyEntriesFromEnv } from "./keys.js";
import { noCandidateError } from "./no-candidate.js";
import { buildPipeline } from "./pipeline.js";
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
  /**
   * Walks over the candidates when every one failed for a passing reason (open breakers, cooling keys,
   * 5xx): default 2, i.e. one more after the shortest cooldown (capped by `maxRetryAfterMs`).
   */
  rounds?: number;
  /** A Retry-After longer than this gives the model up instead of waiting (default 60 000). */
  maxRetryAfterMs?: number;
  /** One attempt that has not answered by then is aborted and counts as retryable (default 300 000). */
  attemptTimeoutMs?: number;
  /** How long a probe of a keyless local server is trusted (default 30 000). */
  serverProbeTtlMs?: number;
  /** Used for every provider request and server probe. */
  fetch?: typeof globalThis.fetch;
  /** Key rotation for providers whose catalog entry names none (default round-robin). */
  keyRotation?: KeyRotation;
  /** When breakers open and probe (per provider and per model); defaults in `defaultBreakerPolicy`. */
  breaker?: Partial<BreakerPolicy>;
  /** Safety margin added to every rate-limit window, against network jitter (default 100). */
  limitMarginMs?: number;
  /** The whole call, all attempts and waits included, is aborted after this (default: no limit). */
  callTimeoutMs?: number;
  /**
   * Stream answers (`streamText`, default true): every attempt's trace gets its time to first token.
   * `false` uses the plain request/response path for every provider; one provider opts out with
   * `streaming: false` in its catalog entry (`providers.<id>.streaming` in quorum.config.yaml).
   */
  streaming?: boolean;
  /**
   * Builds the AI SDK model for a provider, key and model id (default: the provider's own SDK from
   * its preset). Benches and tests pass `MockLanguageModelV3` here to run the whole chain offline.
   */
  languageModel?: (provider: ProviderPreset, apiKey: string | undefined, modelId: string) => LanguageModelV3;
  /** Replaces the AI SDK call at the end of the middleware chain (benches, chain tests). */
  terminal?: AttemptHandler;
}

/** A `ModelClient` that can also say which providers it could use. */
export interface QuorumModelClient extends ModelClient {
  /** Ids of the providers usable now: a key is set, or a keyless server answered its probe. */
  availableProviders(): Promise<string[]>;
  /** Read-only breaker states, error rates and latencies per provider and model, for routing. */
  health(): HealthView;
}

export function createModelClient(options: ModelClientOptions): QuorumModelClient {
  const { catalog, env } = options;
  const now = options.now ?? Date.now;
  const fetch = options.fetch ?? globalThis.fetch;
  const pools = new Map<string, KeyPool>();
  const secrets = new Set<string>();
  for (const provider of Object.values(catalog.providers)) {
    const entries = apiKeyEntriesFromEnv(provider, env);
    for (const entry of entries) secrets.add(entry.value);
    pools.set(provider.id, new KeyPool(entries, provider.keyRotation ?? options.keyRotation));
  }
  const ring = (id: string) => pools.get(id) ?? new KeyPool([]);
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
  // A 429's Retry-After cools its key the moment the headers arrive, not when the SDK has read and
  // parsed the body: calls sending in between would otherwise reach the key inside its window.
  const providers = new ProviderCache(
    options.fetch,
    { env, configuredPaths: configuredLocalPaths(catalog) },
    (providerId, apiKey, status, headers) => {
      if (status !== 429 && status < 500) return;
      const retryAfterMs = retryAfterMsFromHeaders(Object.fromEntries(headers), now());
      const slot =
        retryAfterMs === undefined ? undefined : ring(providerId).slots.find((s) => s.value === apiKey);
      if (slot && retryAfterMs !== undefined)
        slot.coolUntilMs = Math.max(slot.coolUntilMs, now() + retryAfterMs);
    },
  );
  const probes = new ServerProbes(fetch, now, options.serverProbeTtlMs ?? 30_000);
  const health = new HealthRegistry(now, { ...defaultBreakerPolicy, ...options.breaker });
  const pipeline = buildPipeline({
    catalog,
    pool: ring,
    health,
    model:
      options.languageModel ?? ((provider, apiKey, modelId) => providers.model(provider, apiKey, modelId)),
    now,
    sleep: options.sleep ?? sleepMs,
    random: options.random ?? Math.random,
    maxAttemptsPerModel: Math.max(1, options.maxAttemptsPerModel ?? 3),
    rounds: Math.max(1, options.rounds ?? 2),
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    attemptTimeoutMs: options.attemptTimeoutMs ?? 300_000,
    limitMarginMs: options.limitMarginMs ?? 100,
    streaming: options.streaming ?? true,
    ...(options.terminal ? { terminal: options.terminal } : {}),
  });
  const redact = (text: string) => redactSecrets(text, secrets);

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
    const callTimeout =
      options.callTimeoutMs === undefined ? undefined : AbortSignal.timeout(options.callTimeoutMs);
    const signal = combine(callOptions?.signal, callTimeout);
    signal?.throwIfAborted();
    await untilAborted(probeFor(request), signal);
    const { candidates, skipped } = planCandidates(request, catalog, view);
    // Counts the messages that quoted a key, so the journal learns a key was blocked from it.
    let redactions = 0;
    const state = new CallState(catalog, (text) => {
      const clean = redact(text);
      if (clean !== text) redactions++;
      return clean;
    });
    for (const failure of skipped) state.fail(failure);
    if (candidates.length === 0) throw noCandidateError(request, state.failures, catalog, env, view);
    try {
      const { text, usage, finishReason, toolCalls } = await pipeline({
        request,
        candidates,
        target: candidates[0]!,
        ...(signal ? { signal, callSignal: signal } : {}),
        ...(runIdOf(callOptions) === undefined ? {} : { runId: runIdOf(callOptions)! }),
        estimatedTokens: estimateTokens(request),
        state,
      });
      const costUsd = state.costUsd();
      return {
        text,
        model: state.answeredBy ?? candidates[0]!.ref,
        usage: {
          inputTokens: usage.inputTokens,
          outputTokens: usage.outputTokens,
          ...(usage.cachedInputTokens ? { cachedInputTokens: usage.cachedInputTokens } : {}),
          ...(usage.cacheWriteTokens ? { cacheWriteTokens: usage.cacheWriteTokens } : {}),
          ...(usage.reasoningTokens ? { reasoningTokens: usage.reasoningTokens } : {}),
        },
        ...(costUsd === undefined ? {} : { costUsd }),
        ...(finishReason ? { finishReason } : {}),
        ...(toolCalls ? { toolCalls } : {}),
        trace: { attempts: state.attempts },
      };
    } catch (error) {
      if (callOptions?.signal?.aborted) throw callOptions.signal.reason ?? error;
      if (callTimeout?.aborted)
        state.fail({
          model: state.attempts.at(-1)?.model ?? candidates[0]!.ref,
          message: `the call took longer than callTimeoutMs (${options.callTimeoutMs} ms)`,
        });
      const summary = error instanceof CandidatesExhausted ? error.message : state.redact(String(error));
      const lastClass = state.attempts.findLast((attempt) => attempt.errorClass !== undefined)?.errorClass;
      throw new ModelCallError(summary, {
        attempts: state.failures,
        ...(lastClass === undefined ? {} : { errorClass: lastClass }),
        ...(redactions > 0 ? { security: [secretRedacted(redactions)] } : {}),
        isRetryable: state.transientExhaustion || callTimeout?.aborted === true,
        ...(state.shortestRetryAfterMs === undefined ? {} : { retryAfterMs: state.shortestRetryAfterMs }),
        ...(state.costUsd() === undefined ? {} : { costUsd: state.costUsd() }),
      });
    }
  }

  return {
    specificationVersion: "v1",
    generate,
    async availableProviders() {
      await probeFor();
      return Object.keys(catalog.providers).filter((id) => view.unavailableReason(id) === undefined);
    },
    health: () => health.view(),
  };
}

/** What the journal says when a provider's message quoted a key (the key itself never appears). */
function secretRedacted(count: number): SecurityNotice {
  return {
    kind: "secret-redacted",
    detail: `${count} provider message${count === 1 ? "" : "s"} quoted an API key; replaced by [redacted] before it reached the error`,
  };
}

/** The run a call belongs to (sticky keys): given directly, or in the runtime's call context. */
function runIdOf(options: ModelCallOptions | undefined): string | undefined {
  return options?.runId ?? options?.context?.runId;
}
