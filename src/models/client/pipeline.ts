/**
 * The client's middleware chain, built once per client so the state it shares across calls (key
 * pools, rate-limit windows, semaphores, breakers) lives as long as the client. Outermost first:
 *
 *   rounds → fallback → repair-json → retry → breaker → concurrency → key pool → limits → trace → timeout → SDK
 *
 * Fallback walks candidates; retry repeats one model; breaker guards each attempt per provider and
 * model; concurrency caps attempts in flight; key pool picks a key and does the one wait; limits book
 * the key's RPM/TPM/RPD windows; trace records what was sent; timeout bounds one attempt.
 */
import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { ProviderPreset, QuorumCatalog } from "../catalog/index.js";
import {
  type AttemptHandler,
  breakerMiddleware,
  composeMiddleware,
  concurrencyMiddleware,
  fallbackMiddleware,
  type HealthRegistry,
  type KeyPool,
  keyAvailability,
  keyPoolMiddleware,
  limitsMiddleware,
  RateLimits,
  repairJsonMiddleware,
  retryMiddleware,
  roundsMiddleware,
  timeoutMiddleware,
  traceMiddleware,
} from "../middleware/index.js";
import { sdkTerminal } from "./terminal.js";

export interface PipelineOptions {
  catalog: QuorumCatalog;
  pool(providerId: string): KeyPool;
  health: HealthRegistry;
  model(provider: ProviderPreset, apiKey: string | undefined, modelId: string): LanguageModelV3;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  maxAttemptsPerModel: number;
  /** Walks over the candidates when all of them failed transiently (default 2: one more after a cooldown). */
  rounds?: number;
  maxRetryAfterMs: number;
  attemptTimeoutMs: number;
  limitMarginMs: number;
  streaming: boolean;
  /** Replaces the SDK call (benches and tests of the chain itself). */
  terminal?: AttemptHandler;
}

export function buildPipeline(options: PipelineOptions): AttemptHandler {
  const { catalog, now, sleep } = options;
  const limits = new RateLimits(
    (target) => ({
      ...(target.provider.limits ? { provider: target.provider.limits } : {}),
      ...(catalog.models[target.ref]?.limits ? { model: catalog.models[target.ref]!.limits! } : {}),
    }),
    options.limitMarginMs,
  );
  return composeMiddleware(
    [
      roundsMiddleware({ rounds: options.rounds ?? 2, sleep, maxWaitMs: options.maxRetryAfterMs }),
      fallbackMiddleware,
      repairJsonMiddleware,
      retryMiddleware({ maxAttempts: options.maxAttemptsPerModel, now, random: options.random }),
      breakerMiddleware({ health: options.health, now }),
      concurrencyMiddleware((target) => ({
        ...(target.provider.limits?.maxConcurrent ? { provider: target.provider.limits.maxConcurrent } : {}),
        ...(catalog.models[target.ref]?.limits?.maxConcurrent
          ? { model: catalog.models[target.ref]!.limits!.maxConcurrent! }
          : {}),
      })),
      keyPoolMiddleware({
        pool: options.pool,
        now,
        sleep,
        maxWaitMs: options.maxRetryAfterMs,
        availability: (call) => keyAvailability(limits, call),
      }),
      limitsMiddleware({ limits, now, sleep, maxWaitMs: options.maxRetryAfterMs }),
      traceMiddleware({ now, health: options.health }),
      timeoutMiddleware(options.attemptTimeoutMs),
    ],
    options.terminal ?? sdkTerminal({ model: options.model, now, streaming: options.streaming }),
  );
}
