/**
 * Key pool middleware: picks the key for each attempt (rotation, cooldowns, rate limits), waits until
 * it may be used, and reacts to what the attempt says about the key. A 401/403 disables the key for
 * the client's life and the next key is tried at once, without spending a retry; a Retry-After cools
 * the key down so no attempt (from any call) reaches it inside the window. This is the one place an
 * attempt waits before it is sent, so a backoff and a cooldown cost one sleep, not two.
 */
import { AttemptError, type AttemptMiddleware, isAttemptError } from "./contract.js";
import type { KeyAvailability, KeyPool } from "./key-slot.js";

export interface KeyPoolOptions {
  pool(providerId: string): KeyPool;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A wait longer than this gives the model up instead of blocking the call. */
  maxWaitMs: number;
  /** When a key could next take this attempt under its rate limits (see `limitsMiddleware`). */
  availability?: (call: Parameters<AttemptMiddleware>[0]) => KeyAvailability | undefined;
}

/** More re-picks than this in one attempt means keys keep changing under us; give the model up. */
const maxRepicks = 64;

export function keyPoolMiddleware(options: KeyPoolOptions): AttemptMiddleware {
  return async (call, next) => {
    const pool = options.pool(call.target.provider.id);
    const availability = options.availability?.(call);
    for (let repick = 0; repick < maxRepicks; repick++) {
      const nowMs = options.now();
      const pick = pool.pick(nowMs, {
        ...(call.notBeforeMs === undefined ? {} : { notBeforeMs: call.notBeforeMs }),
        ...(call.runId === undefined ? {} : { runId: call.runId }),
        ...(availability ? { availability } : {}),
      });
      if (!pick)
        throw new AttemptError({
          type: "skip",
          message: "every API key for this provider was rejected (401/403)",
          errorClass: "keys-exhausted",
          transient: false,
        });
      const waitMs = pick.atMs - nowMs;
      if (waitMs > options.maxWaitMs)
        throw new AttemptError({
          type: "skip",
          message: `the provider asked to wait ${Math.ceil(waitMs / 1000)} s, longer than the ${options.maxWaitMs / 1000} s limit; giving this model up`,
          errorClass: "wait-too-long",
          transient: true,
          retryAfterMs: waitMs,
        });
      if (waitMs > 0) await options.sleep(waitMs, call.callSignal);
      call.callSignal?.throwIfAborted();
      const slot = pick.slot;
      // Another call may have disabled or cooled this key while we waited.
      if (slot.disabled || slot.coolUntilMs > options.now()) continue;
      pool.markUsed(slot);
      try {
        return await next({ ...call, key: slot });
      } catch (error) {
        if (!isAttemptError(error)) throw error;
        const failure = error.failure;
        if (failure.type === "auth") {
          slot.disabled = true;
          continue;
        }
        if (failure.type === "key-busy") continue;
        if (failure.type === "retryable" && failure.retryAfterMs !== undefined)
          slot.coolUntilMs = Math.max(slot.coolUntilMs, options.now() + failure.retryAfterMs);
        throw error;
      }
    }
    throw new AttemptError({
      type: "skip",
      message: `no key of this provider stayed usable after ${maxRepicks} tries`,
      errorClass: "keys-exhausted",
      transient: true,
    });
  };
}
