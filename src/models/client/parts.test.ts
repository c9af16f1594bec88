/** The pure parts of the model client: Retry-After parsing, backoff, key pools, redaction, planning. */
import { APICallError } from "ai";
import { describe, expect, it } from "vitest";
import { builtinCatalog, mergeCatalog } from "../catalog/index.js";
import { classifyFailure, jitteredDelayMs, retryAfterMsFromHeaders } from "../middleware/index.js";
import { type ProviderView, planCandidates } from "./candidates.js";
import { apiKeyEntriesFromEnv, apiKeysFromEnv } from "./keys.js";
import { redactSecrets } from "./redact.js";

describe("retryAfterMsFromHeaders", () => {
  const nowMs = Date.parse("2026-01-01T00:00:00Z");
  it.each([
    [{ "retry-after-ms": "750.2" }, 751],
    [{ "retry-after-ms": "750", "retry-after": "1" }, 750],
    [{ "Retry-After": "2" }, 2_000],
    [{ "retry-after": "1.5" }, 1_500],
    [{ "retry-after": "Thu, 01 Jan 2026 00:00:07 GMT" }, 7_000],
    [{ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }, 0],
    [{ "retry-after": "soon" }, undefined],
    [{}, undefined],
  ])("%j -> %s ms", (headers, expected) => {
    expect(retryAfterMsFromHeaders(headers, nowMs)).toBe(expected);
  });
});

describe("jitteredDelayMs", () => {
  it("grows exponentially from 500 ms, capped at 20 s, scaled by the random draw", () => {
    const top = () => 0.999_999;
    expect([1, 2, 3, 6, 7, 20].map((retry) => jitteredDelayMs(retry, top))).toEqual([
      499, 999, 1_999, 15_999, 19_999, 19_999,
    ]);
    expect(jitteredDelayMs(4, () => 0)).toBe(0);
  });
});

describe("keys", () => {
  it("reads the main variable, aliases and numbered pools in numeric order, without duplicates", () => {
    const env = {
      GROQ_API_KEY: "a",
      GROQ_API_KEY_10: "d",
      GROQ_API_KEY_2: "c",
      GROQ_API_KEY_1: "a",
      GROQ_API_KEY_X: "x",
    };
    expect(apiKeysFromEnv({ apiKeyEnv: "GROQ_API_KEY" }, env)).toEqual(["a", "c", "d"]);
    expect(
      apiKeysFromEnv(
        { apiKeyEnv: "GEMINI_API_KEY", apiKeyEnvAliases: ["GOOGLE_KEY"] },
        { GOOGLE_KEY: " g " },
      ),
    ).toEqual(["g"]);
  });

  it("keeps the variable each key came from, for traces", () => {
    const env = { GROQ_API_KEY: "a", GROQ_API_KEY_2: "c", GROQ_API_KEY_1: "a" };
    expect(apiKeyEntriesFromEnv({ apiKeyEnv: "GROQ_API_KEY" }, env)).toEqual([
      { alias: "GROQ_API_KEY", value: "a" },
      { alias: "GROQ_API_KEY_2", value: "c" },
    ]);
  });
});

describe("redactSecrets", () => {
  it("removes known keys and key-shaped tokens", () => {
    expect(redactSecrets("key my-secret-value was refused", ["my-secret-value"])).toBe(
      "key [redacted] was refused",
    );
    expect(redactSecrets("Incorrect API key provided: sk-proj-abcdefghijkl", [])).toBe(
      "Incorrect API key provided: [redacted]",
    );
    expect(redactSecrets("header Bearer abcdefgh12345", [])).toBe("header Bearer [redacted]");
    expect(redactSecrets("GET /v1/models?key=AIzaSyA123&x=1", [])).toBe("GET /v1/models?key=[redacted]&x=1");
  });
});

describe("classifyFailure", () => {
  const apiError = (statusCode: number | undefined, message: string, isRetryable = false) =>
    new APICallError({ message, url: "http://x", requestBodyValues: {}, statusCode, isRetryable });

  it("maps statuses to moves", () => {
    expect(classifyFailure(apiError(401, "no"), 0).type).toBe("auth");
    expect(classifyFailure(apiError(403, "no"), 0).type).toBe("auth");
    for (const status of [408, 409, 429, 500, 503, 529])
      expect(classifyFailure(apiError(status, "x"), 0).type).toBe("retryable");
    for (const status of [400, 404, 422])
      expect(classifyFailure(apiError(status, "x"), 0)).toMatchObject({
        type: "fatal",
        contextLength: false,
      });
    expect(classifyFailure(apiError(400, "prompt is too long: 210000 tokens"), 0)).toMatchObject({
      contextLength: true,
    });
  });

  it("treats connection failures as retryable and unknown errors as fatal", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    expect(classifyFailure(new TypeError("fetch failed", { cause: refused }), 0).type).toBe("retryable");
    expect(classifyFailure(apiError(undefined, "Cannot connect", true), 0).type).toBe("retryable");
    expect(classifyFailure(new Error("bug"), 0).type).toBe("fatal");
  });
});

describe("planCandidates", () => {
  const catalog = mergeCatalog(builtinCatalog(), {});
  const keys = new Set(["openai", "groq"]);
  const view: ProviderView = {
    unavailableReason: (id) => (keys.has(id) ? undefined : `no key for ${id}`),
    servedModels: () => [],
  };

  it("keeps the named order and explains every skipped candidate", () => {
    const plan = planCandidates(
      {
        models: [
          "anthropic/claude-haiku-4-5",
          "groq/llama-3.1-8b-instant",
          "nope/x",
          "bad",
          "openai/gpt-4o-mini",
        ],
        prompt: "",
      },
      catalog,
      view,
    );
    expect(plan.candidates.map((candidate) => candidate.ref)).toEqual([
      "groq/llama-3.1-8b-instant",
      "openai/gpt-4o-mini",
    ]);
    expect(plan.skipped.map((skip) => skip.model)).toEqual(["anthropic/claude-haiku-4-5", "nope/x", "bad"]);
  });

  it("picks the three cheapest usable models, JSON-capable when a schema is asked for", () => {
    const plan = planCandidates({ models: [], prompt: "", schema: { type: "object" } }, catalog, view);
    expect(plan.candidates).toHaveLength(3);
    expect(plan.candidates[0]!.ref).toBe("groq/llama-3.1-8b-instant");
    for (const candidate of plan.candidates) {
      expect(keys.has(candidate.provider.id)).toBe(true);
      expect(catalog.models[candidate.ref]!.capabilities).toContain("json");
    }
  });

  it("offers a sensitive request local providers only", () => {
    expect(planCandidates({ models: [], prompt: "", sensitive: true }, catalog, view).candidates).toEqual([]);
    const named = planCandidates(
      { models: ["openai/gpt-4o-mini"], prompt: "", sensitive: true },
      catalog,
      view,
    );
    expect(named.skipped[0]!.message).toMatch(/sensitive/);
  });
});

describe("estimateTokens", () => {
  it("reserves characters / 4 of the prompt, system and schema, plus the output cap (256 without one)", async () => {
    const { estimateTokens } = await import("./call-helpers.js");
    expect(estimateTokens({ models: [], prompt: "x".repeat(400) })).toBe(100 + 256);
    expect(
      estimateTokens({ models: [], system: "y".repeat(40), prompt: "x".repeat(40), maxOutputTokens: 10 }),
    ).toBe(20 + 10);
  });
});
