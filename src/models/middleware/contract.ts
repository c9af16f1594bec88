/**
 * The one small internal contract every resilience concern wraps: an attempt handler turns an
 * `AttemptCall` (one request, the candidate models, and what outer layers decided so far: which model,
 * which key, not before when) into an `AttemptResult`, or throws an `AttemptError` whose `failure`
 * tells the outer layers what to do next. Each concern (fallback, retry, breaker, concurrency, key
 * pool, limits, timeout, trace) is a middleware `(call, next) => result`, composed like hono's
 * middleware or the AI SDK's language-model middleware, so each can be tested alone with a fake `next`.
 */
import type { ModelRequest, ModelToolCall } from "../../spec/index.js";
import type { ProviderPreset } from "../catalog/index.js";
import type { TokenUsage } from "../cost.js";
import type { CallState } from "./call-state.js";
import type { AttemptFailure } from "./classify.js";
import type { KeySlot } from "./key-slot.js";

/** One model a call may try: `provider/model` with its provider preset. */
export interface AttemptTarget {
  /** `provider/model`. */
  readonly ref: string;
  readonly provider: ProviderPreset;
  readonly modelId: string;
  /** Context window from the catalog, when known; fallback on context overflow needs a larger one. */
  readonly contextWindow?: number;
}

export interface AttemptCall {
  readonly request: ModelRequest;
  /** Every candidate, in order; the fallback middleware walks them and sets `target`. */
  readonly candidates: readonly AttemptTarget[];
  readonly target: AttemptTarget;
  /** Set by the key pool: the key this attempt is sent with. */
  readonly key?: KeySlot;
  /** Clock time before which the attempt must not be sent (the retry's backoff). */
  readonly notBeforeMs?: number;
  /** Aborts the attempt: the caller's signal, narrowed by the timeout middleware. */
  readonly signal?: AbortSignal;
  /** The caller's own signal: an abort of it ends the whole call instead of failing one attempt. */
  readonly callSignal?: AbortSignal;
  /** Sticky key rotation hashes this to a key, so one run keeps one key (prompt-cache hits). */
  readonly runId?: string;
  /** Estimated tokens (input + output) reserved against per-key TPM limits before sending. */
  readonly estimatedTokens: number;
  /** Per-call accumulator: failures, cost and the attempt trace. */
  readonly state: CallState;
}

export interface AttemptResult {
  readonly text: string;
  readonly usage: TokenUsage;
  readonly finishReason?: string;
  /** The provider's own finish reason (`end_turn`, `content_filter`, `refusal`...), for refusal detection. */
  readonly rawFinishReason?: string;
  /** Milliseconds from sending to the first token, when the attempt streamed. */
  readonly ttftMs?: number;
  /** Tools the model wants called (only when the request offered `tools`). */
  readonly toolCalls?: readonly ModelToolCall[];
}

export type AttemptHandler = (call: AttemptCall) => Promise<AttemptResult>;
export type AttemptMiddleware = (call: AttemptCall, next: AttemptHandler) => Promise<AttemptResult>;

/** A failed attempt, classified; any other error (an abort of the caller's signal) ends the call. */
export class AttemptError extends Error {
  override name = "AttemptError";
  /** Tokens the provider billed for the failed attempt, when its answer said so. */
  readonly usage?: TokenUsage;
  constructor(
    readonly failure: AttemptFailure,
    options: { cause?: unknown; usage?: TokenUsage } = {},
  ) {
    super(failure.message, options.cause === undefined ? {} : { cause: options.cause });
    if (options.usage) this.usage = options.usage;
  }
}

export function isAttemptError(error: unknown): error is AttemptError {
  return error instanceof AttemptError;
}

/** `middlewares[0]` is the outermost: it sees the call first and the result last. */
export function composeMiddleware(
  middlewares: readonly AttemptMiddleware[],
  terminal: AttemptHandler,
): AttemptHandler {
  return middlewares.reduceRight<AttemptHandler>(
    (next, middleware) => (call) => middleware(call, next),
    terminal,
  );
}
