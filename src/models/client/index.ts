/**
 * The real model client: AI SDK providers built from catalog presets, key pools, retry with
 * Retry-After, fallback along candidate models, fail-closed privacy, and exact cost.
 */
export {
  explainNoProvider,
  isProbedServer,
  probeServer,
  type ServerProbe,
  unavailableReason,
} from "./availability.js";
export { jitteredDelayMs, retryAfterMsFromHeaders } from "./backoff.js";
export { automaticCandidateCount, type Candidate, planCandidates } from "./candidates.js";
export { type AttemptFailure, classifyFailure, isRetryableStatus } from "./classify.js";
export { createModelClient, type ModelClientOptions, type QuorumModelClient } from "./client.js";
export { apiKeysFromEnv } from "./keys.js";
export { redactSecrets } from "./redact.js";
