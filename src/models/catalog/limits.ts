/**
 * Rate limits a provider or model enforces, as plain catalog data. Free tiers and paid tiers differ
 * per account, so none are built in: `quorum.config.yaml` states them and the model layer keeps every
 * key under them instead of discovering them through 429s.
 */

export interface ModelLimits {
  /** Requests per minute, per API key. */
  rpm?: number;
  /** Tokens (input + output) per minute, per API key. */
  tpm?: number;
  /** Requests per day, per API key. */
  rpd?: number;
  /** Attempts in flight at once across all keys (a semaphore, so scheduling respects the provider). */
  maxConcurrent?: number;
}

/**
 * How a provider's key pool hands out keys: `round-robin` spreads load, `least-used` evens out keys
 * that joined at different times, `sticky` keeps one run on one key so prompt caches hit.
 */
export type KeyRotation = "round-robin" | "least-used" | "sticky";
