/**
 * The real model client: AI SDK providers built from catalog presets, wrapped in the resilience
 * middleware chain (`../middleware`): key pools and limits, retry with Retry-After, breakers,
 * fallback along candidate models, fail-closed privacy, exact cost and a per-call trace.
 */
export {
  type AttemptFailure,
  classifyFailure,
  isRetryableStatus,
  jitteredDelayMs,
  retryAfterMsFromHeaders,
} from "../middleware/index.js";
export {
  explainNoProvider,
  isProbedServer,
  probeServer,
  type ServerProbe,
  unavailableReason,
} from "./availability.js";
export { estimateTokens } from "./call-helpers.js";
export { automaticCandidateCount, type Candidate, planCandidates } from "./candidates.js";
export { createModelClient, type ModelClientOptions, type QuorumModelClient } from "./client.js";
export { apiKeyEntriesFromEnv, apiKeysFromEnv } from "./keys.js";
export { redactSecrets } from "./redact.js";
