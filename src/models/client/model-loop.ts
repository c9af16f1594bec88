/**
 * The retry loop for one candidate model. Retryable failures (408, 409, 429, 5xx, 529, network,
 * timeout) are tried again up to `maxAttemptsPerModel` times after a full-jitter backoff, never before
 * a Retry-After the provider announced for the key in use; a 401/403 disables that key and moves to the
 * next one without spending an attempt; anything else gives the model up so the caller falls back. An
 * abort of the caller's signal ends everything at once.
 */
import type { ModelRequest } from "../../spec/index.js";
import { type SdkLanguageModelUsage, usageFromSdk } from "../cost.js";
import { type AttemptResult, runAttempt } from "./attempt.js";
import { jitteredDelayMs } from "./backoff.js";
import type { Candidate } from "./candidates.js";
import { type AttemptFailure, classifyFailure } from "./classify.js";
import type { KeyRing, KeySlot } from "./keys.js";
import type { CallLedger } from "./ledger.js";
import { type ProviderCache, supportsNativeSchema } from "./providers.js";

export interface LoopContext {
  ring(providerId: string): KeyRing;
  providers: ProviderCache;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  maxAttemptsPerModel: number;
  /** A wait longer than this gives the model up instead of blocking the call. */
  maxRetryAfterMs: number;
  attemptTimeoutMs: number;
  redact: (text: string) => string;
  ledger: CallLedger;
  signal: AbortSignal | undefined;
}

export type CandidateOutcome = { type: "answered"; result: AttemptResult } | { type: "given-up" };

export async function tryCandidate(
  candidate: Candidate,
  request: ModelRequest,
  context: LoopContext,
): Promise<CandidateOutcome> {
  const ledger = context.ledger;
  const ref = candidate.ref;
  const ring = context.ring(candidate.provider.id);
  let sent = 0;
  let backoffMs = 0;
  while (sent < context.maxAttemptsPerModel) {
    const slot = ring.pick(context.now());
    if (!slot) {
      ledger.fail({ model: ref, message: "every API key for this provider was rejected (401/403)" });
      return { type: "given-up" };
    }
    const waitMs = Math.max(backoffMs, slot.coolUntilMs - context.now());
    if (waitMs > context.maxRetryAfterMs) {
      ledger.fail({
        model: ref,
        message: `the provider asked to wait ${Math.ceil(waitMs / 1000)} s, longer than the ${context.maxRetryAfterMs / 1000} s limit; giving this model up`,
      });
      ledger.noteRetryAfter(waitMs);
      ledger.transientExhaustion = true;
      return { type: "given-up" };
    }
    if (waitMs > 0) await context.sleep(waitMs, context.signal);
    context.signal?.throwIfAborted();
    sent++;
    const outcome = await attemptOnce(candidate, request, slot, context);
    if (outcome.type === "answered") return outcome;
    const failure = outcome.failure;
    const message = context.redact(failure.message);
    const status = failure.status === undefined ? {} : { status: failure.status };
    switch (failure.type) {
      case "auth":
        slot.disabled = true;
        sent--;
        ledger.fail({ model: ref, ...status, message: `${message} (key disabled; trying the next key)` });
        break;
      case "retryable":
        ledger.fail({ model: ref, ...status, message });
        if (failure.retryAfterMs !== undefined) {
          slot.coolUntilMs = Math.max(slot.coolUntilMs, context.now() + failure.retryAfterMs);
          ledger.noteRetryAfter(failure.retryAfterMs);
        }
        backoffMs = jitteredDelayMs(sent, context.random);
        break;
      case "fatal": {
        const why = failure.contextLength ? " (context length exceeded; trying the next model)" : "";
        ledger.fail({ model: ref, ...status, message: `${message}${why}` });
        return { type: "given-up" };
      }
    }
  }
  ledger.transientExhaustion = true;
  return { type: "given-up" };
}

type AttemptOutcome =
  | { type: "answered"; result: AttemptResult }
  | { type: "failed"; failure: AttemptFailure };

/** One request under a per-attempt timeout; rethrows only when the caller aborted. */
async function attemptOnce(
  candidate: Candidate,
  request: ModelRequest,
  slot: KeySlot,
  context: LoopContext,
): Promise<AttemptOutcome> {
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), context.attemptTimeoutMs);
  const abortSignal = context.signal ? AbortSignal.any([context.signal, timeout.signal]) : timeout.signal;
  try {
    const model = context.providers.model(candidate.provider, slot.value, candidate.modelId);
    const nativeSchema = supportsNativeSchema(candidate.provider);
    const result = await runAttempt(model, request, { nativeSchema, abortSignal });
    context.ledger.addUsage(candidate.ref, result.usage);
    return { type: "answered", result };
  } catch (error) {
    if (context.signal?.aborted) throw context.signal.reason ?? error;
    if (timeout.signal.aborted)
      return {
        type: "failed",
        failure: { type: "retryable", message: `no answer within ${context.attemptTimeoutMs} ms` },
      };
    // Some SDK errors carry the usage of a response that was billed but unusable.
    const usage = (error as { usage?: unknown } | undefined)?.usage;
    if (typeof usage === "object" && usage !== null && "inputTokens" in usage)
      context.ledger.addUsage(candidate.ref, usageFromSdk(usage as SdkLanguageModelUsage));
    return { type: "failed", failure: classifyFailure(error, context.now()) };
  } finally {
    clearTimeout(timer);
  }
}
