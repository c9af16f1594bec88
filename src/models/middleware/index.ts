/**
 * Resilience as middleware around one attempt contract (see `contract.ts` and docs/models.md for the
 * order): rounds → fallback → repair-json → retry → breaker → concurrency → key pool → limits → trace →
 * timeout → the SDK call.
 */
export {
  type BackoffPolicy,
  defaultBackoff,
  jitteredDelayMs,
  retryAfterMsFromHeaders,
  sleepMs,
} from "./backoff.js";
export {
  type Admission,
  type BreakerPolicy,
  type BreakerState,
  CircuitBreaker,
  defaultBreakerPolicy,
} from "./breaker.js";
export { breakerMiddleware, healthOutcome } from "./breaker-middleware.js";
export { CallState } from "./call-state.js";
export {
  type AttemptFailure,
  classifyFailure,
  type ErrorClass,
  errorClassOf,
  isRetryableStatus,
} from "./classify.js";
export { concurrencyMiddleware, Semaphore } from "./concurrency.js";
export {
  type AttemptCall,
  AttemptError,
  type AttemptHandler,
  type AttemptMiddleware,
  type AttemptResult,
  type AttemptTarget,
  composeMiddleware,
  isAttemptError,
} from "./contract.js";
export { CandidatesExhausted, fallbackMiddleware } from "./fallback.js";
export { HealthRegistry, type HealthView } from "./health.js";
export { type KeyPoolOptions, keyPoolMiddleware } from "./key-pool.js";
export { type KeyAvailability, type KeyEntry, KeyPool, type KeyRotation, type KeySlot } from "./key-slot.js";
export { keyAvailability, type LimitsOptions, limitsMiddleware, RateLimits } from "./limits.js";
export { repairJsonMiddleware, repairJsonText } from "./repair-json.js";
export { type RetryOptions, retryMiddleware } from "./retry.js";
export { type RoundsOptions, roundsMiddleware } from "./rounds.js";
export { timeoutMiddleware } from "./timeout.js";
export { traceMiddleware } from "./trace.js";
export { type Booking, WindowLog } from "./window-log.js";
