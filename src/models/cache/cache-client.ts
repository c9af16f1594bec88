/**
 * Exact-response cache middleware around the `ModelClient` contract. Opt-in per step (`cache: true`
 * or `cache: { ttl }` in the workflow, passed as `context.cacheTtlMs`): an identical request within the
 * time to live is answered from the store without a provider call, marked `cacheHit` and costing 0.
 * Entries live in the store, so they are shared by every run and worker on it. Dry-run answers and
 * sensitive requests are never stored (a sensitive prompt must not be copied into a shared table).
 */
import type {
  ModelCallOptions,
  ModelClient,
  ModelRequest,
  ModelResponse,
  SpendStore,
} from "../../spec/index.js";
import { requestCacheKey } from "./request-key.js";

type CacheStore = Pick<SpendStore, "getCachedResponse" | "putCachedResponse">;

interface CachedResponse {
  readonly text: string;
  readonly model: string;
  readonly finishReason?: string;
}

export function withResponseCache(inner: ModelClient, store: CacheStore): ModelClient {
  return {
    specificationVersion: "v1",
    async generate(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse> {
      const ttlMs = options?.context?.cacheTtlMs;
      if (ttlMs === undefined || ttlMs <= 0 || request.sensitive) return inner.generate(request, options);
      const key = requestCacheKey(request);
      const hit = await store.getCachedResponse(key);
      if (hit !== undefined) {
        const cached = JSON.parse(hit) as CachedResponse;
        return {
          text: cached.text,
          model: cached.model,
          usage: { inputTokens: 0, outputTokens: 0 },
          costUsd: 0,
          ...(cached.finishReason !== undefined ? { finishReason: cached.finishReason } : {}),
          cacheHit: true,
        };
      }
      const response = await inner.generate(request, options);
      if (!response.dryRun) {
        const entry: CachedResponse = {
          text: response.text,
          model: response.model,
          ...(response.finishReason !== undefined ? { finishReason: response.finishReason } : {}),
        };
        await store.putCachedResponse(key, JSON.stringify(entry), ttlMs);
      }
      return response;
    },
  };
}
