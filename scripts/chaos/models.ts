/**
 * The model client chaos workers call through: the real `createModelClient` (AI SDK, retries,
 * cost), with the `openai` provider pointed at the parent's fake provider, so every call is a real
 * HTTP request the parent records and a SIGKILL can cut mid-flight.
 */
import { builtinCatalog, createModelClient, mergeCatalog } from "../../src/models/index.js";
import type { ModelClient } from "../../src/spec/index.js";

/** Not a secret: the fake provider accepts any key. */
export const chaosApiKey = "sk-chaos-not-a-real-key-0001";

export function chaosModelClient(providerBaseUrl: string): ModelClient {
  const catalog = mergeCatalog(builtinCatalog(), { providers: { openai: { baseURL: providerBaseUrl } } });
  return createModelClient({ catalog, env: { OPENAI_API_KEY: chaosApiKey } });
}
