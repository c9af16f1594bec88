/**
 * The exact-response cache key: sha256 over the request with keys sorted, so the same request in any
 * field order hits the same entry and any change (prompt, schema, models, temperature, limits) misses.
 */
import { createHash } from "node:crypto";
import type { ModelRequest } from "../../spec/index.js";

/** Bump when the cached response shape changes, so old entries are never misread. */
const keyVersion = 1;

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, stable((value as Record<string, unknown>)[k])]),
    );
  return value;
}

export function requestCacheKey(request: ModelRequest): string {
  return createHash("sha256")
    .update(JSON.stringify(stable({ v: keyVersion, request })))
    .digest("hex");
}
