/**
 * Per-key RPM / TPM / requests-per-day limits, from the catalog (provider limits apply to every call
 * of a key, model limits to that model's calls of the key). An attempt waits until every window it
 * counts against has room, books itself there at the moment it is sent (tokens estimated), and when
 * the answer comes back replaces the estimate with the tokens actually used (see `WindowLog` for why
 * it counts at the answer's time). The key pool asks the same registry
 * when each key is next free, so it picks the key that can go soonest.
 */
import type { ModelLimits } from "../catalog/index.js";
import { type AttemptCall, AttemptError, type AttemptMiddleware, type AttemptTarget } from "./contract.js";
import type { KeySlot } from "./key-slot.js";
import { WindowLog } from "./window-log.js";

const minuteMs = 60_000;
const dayMs = 86_400_000;

interface Window {
  log: WindowLog;
  /** Tokens (TPM) or one per request. */
  counts: "tokens" | "requests";
}

export class RateLimits {
  private readonly windows = new Map<string, Window[]>();

  constructor(
    private readonly limitsOf: (target: AttemptTarget) => { provider?: ModelLimits; model?: ModelLimits },
    /**
     * Added to every window: a request we send at the end of a window may arrive after one sent later
     * (network jitter), so the provider's window must see them at least a full window apart.
     */
    private readonly marginMs = 100,
  ) {}

  /** The windows this (model, key) attempt counts against; empty when no limits are configured. */
  windowsFor(target: AttemptTarget, slot: KeySlot): Window[] {
    const id = `${target.ref}\u0000${slot.index}`;
    const cached = this.windows.get(id);
    if (cached) return cached;
    const { provider, model } = this.limitsOf(target);
    const list = [
      ...this.build(`${target.provider.id}\u0000${slot.index}`, provider),
      ...this.build(id, model, "model"),
    ];
    this.windows.set(id, list);
    return list;
  }

  /** Earliest time at or after `fromMs` when every window has room for this attempt. */
  earliestMs(windows: readonly Window[], fromMs: number, tokens: number): number {
    let atMs = fromMs;
    for (let round = 0; round < 16; round++) {
      let latest = atMs;
      for (const window of windows)
        latest = Math.max(latest, window.log.earliestMs(atMs, weightOf(window, tokens)));
      if (latest === atMs) return atMs;
      atMs = latest;
    }
    return atMs;
  }

  private readonly shared = new Map<string, Window[]>();

  /** Provider windows are shared by every model of the key, so they are built once per key. */
  private build(id: string, limits: ModelLimits | undefined, scope: "provider" | "model" = "provider") {
    if (!limits) return [];
    const key = `${scope}\u0000${id}`;
    const existing = this.shared.get(key);
    if (existing) return existing;
    const list: Window[] = [];
    if (limits.rpm)
      list.push({ log: new WindowLog(limits.rpm, minuteMs + this.marginMs), counts: "requests" });
    if (limits.tpm) list.push({ log: new WindowLog(limits.tpm, minuteMs + this.marginMs), counts: "tokens" });
    if (limits.rpd) list.push({ log: new WindowLog(limits.rpd, dayMs + this.marginMs), counts: "requests" });
    this.shared.set(key, list);
    return list;
  }
}

function weightOf(window: Window, tokens: number): number {
  return window.counts === "tokens" ? tokens : 1;
}

export interface LimitsOptions {
  limits: RateLimits;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  maxWaitMs: number;
}

/** When a key could take this call, for the key pool's choice. */
export function keyAvailability(limits: RateLimits, call: AttemptCall) {
  return (slot: KeySlot, fromMs: number) =>
    limits.earliestMs(limits.windowsFor(call.target, slot), fromMs, call.estimatedTokens);
}

export function limitsMiddleware(options: LimitsOptions): AttemptMiddleware {
  return async (call, next) => {
    const slot = call.key;
    if (!slot) return next(call);
    const windows = options.limits.windowsFor(call.target, slot);
    if (windows.length === 0) return next(call);
    const tokens = call.estimatedTokens;
    const startMs = options.now();
    // Wait until every window has room *now*, then book at the moment of sending.
    for (;;) {
      const nowMs = options.now();
      const atMs = options.limits.earliestMs(windows, nowMs, tokens);
      if (atMs <= nowMs) break;
      if (!Number.isFinite(atMs))
        throw new AttemptError({
          type: "skip",
          message: `the request's estimated ${tokens} tokens exceed this model's tokens-per-minute limit; use a model with a larger limit or a shorter prompt`,
          errorClass: "over-limit",
          transient: false,
        });
      if (atMs - startMs > options.maxWaitMs)
        throw new AttemptError({
          type: "skip",
          message: `the rate limits of key ${slot.alias} leave no room for ${Math.ceil((atMs - nowMs) / 1000)} s, longer than the ${options.maxWaitMs / 1000} s limit; giving this model up`,
          errorClass: "wait-too-long",
          transient: true,
          retryAfterMs: atMs - nowMs,
        });
      await options.sleep(atMs - nowMs, call.callSignal);
      if (slot.disabled || slot.coolUntilMs > options.now())
        throw new AttemptError({ type: "key-busy", message: `key ${slot.alias} cooled down while waiting` });
    }
    const nowMs = options.now();
    const bookings = windows.map((window) => ({
      window,
      booking: window.log.book(nowMs, weightOf(window, tokens)),
    }));
    let usedTokens: number | undefined;
    try {
      const result = await next(call);
      usedTokens = result.usage.inputTokens + result.usage.outputTokens;
      return result;
    } finally {
      const doneMs = options.now();
      for (const { window, booking } of bookings)
        window.log.close(
          booking,
          doneMs,
          window.counts === "tokens" && usedTokens !== undefined ? usedTokens : booking.weight,
        );
    }
  };
}
