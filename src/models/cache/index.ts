/** The exact-response cache: opt-in per step, stored in the store, hits cost nothing. */
export { withResponseCache } from "./cache-client.js";
export { requestCacheKey } from "./request-key.js";
