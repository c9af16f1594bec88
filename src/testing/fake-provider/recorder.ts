/**
 * Request bookkeeping: which key sent what, redacted so recordings can be printed in test output
 * without leaking a key, plus the per-key counters the fault benches assert on ("0 requests over
 * a limit or inside a Retry-After window").
 */
import type { IncomingHttpHeaders } from "node:http";
import type { KeyCounters } from "./types.js";

const keyHeaders = ["authorization", "x-api-key", "api-key", "x-goog-api-key"];

/** The API key a request carries (Bearer token, `x-api-key`, ...), if any. */
export function apiKeyOf(headers: IncomingHttpHeaders): string | undefined {
  const bearer = headers.authorization;
  if (typeof bearer === "string" && /^bearer\s+/i.test(bearer))
    return bearer.replace(/^bearer\s+/i, "").trim();
  for (const name of keyHeaders.slice(1)) {
    const value = headers[name];
    if (typeof value === "string" && value.length > 0) return value;
  }
  return undefined;
}

/** `…abcd`: enough to tell keys apart in a test, useless to anyone reading the log. */
export function keyHint(key: string | undefined): string {
  if (!key) return "(none)";
  return `…${key.slice(-4)}`;
}

/** Headers as a flat record with every key-bearing value reduced to its hint. */
export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (!keyHeaders.includes(name)) flat[name] = text;
    else if (name === "authorization")
      flat[name] = text.replace(/^(\w+\s+)?(.*)$/, (_m, scheme = "", key) => `${scheme}${keyHint(key)}`);
    else flat[name] = keyHint(text);
  }
  return flat;
}

export function emptyCounters(): KeyCounters {
  return { requests: 0, overLimit: 0, insideRetryAfterWindow: 0, inFlight: 0, maxInFlight: 0, statuses: {} };
}

/** Counters and announced Retry-After deadlines per full key (exposed only by hint). */
export class KeyLedger {
  readonly #counters = new Map<string, KeyCounters>();
  readonly #retryAfterUntil = new Map<string, number>();

  counters(key: string): KeyCounters {
    const existing = this.#counters.get(key);
    if (existing) return existing;
    const counters = emptyCounters();
    this.#counters.set(key, counters);
    return counters;
  }

  /** Counters for a key without creating an entry for it. */
  peek(key: string): KeyCounters {
    return structuredClone(this.#counters.get(key) ?? emptyCounters());
  }

  /** Records that the server told this key to wait until `untilMs`. */
  announceRetryAfter(key: string, untilMs: number): void {
    this.#retryAfterUntil.set(key, Math.max(untilMs, this.#retryAfterUntil.get(key) ?? 0));
  }

  isInsideRetryAfter(key: string, nowMs: number): boolean {
    return nowMs < (this.#retryAfterUntil.get(key) ?? Number.NEGATIVE_INFINITY);
  }

  /** A snapshot keyed by hint (`…abcd`). */
  snapshot(hint: (key: string) => string): Record<string, KeyCounters> {
    const result: Record<string, KeyCounters> = {};
    for (const [key, counters] of this.#counters) result[hint(key)] = structuredClone(counters);
    return result;
  }

  reset(): void {
    this.#counters.clear();
    this.#retryAfterUntil.clear();
  }
}
