/**
 * The real in-process path: a generated tiny random-weight GGUF, loaded by node-llama-cpp, called
 * through the model client like any provider. Its JSON-schema grammar makes the noise schema-valid.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { streamText } from "ai";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelCallError } from "../../errors/index.js";
import { writeTinyLlamaGguf } from "../../testing/gguf/tiny-llama.js";
import { noProviderMessage } from "../availability.js";
import { additionsFromConfig, builtinCatalog, mergeCatalog } from "../catalog/index.js";
import { createModelClient, explainNoProvider } from "../client/index.js";
import { LocalLanguageModel } from "./index.js";

let dir: string;
let modelFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "quorum-local-"));
  modelFile = writeTinyLlamaGguf(join(dir, "tiny.gguf"), { seed: 7 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Closed value sets only: free-text strings from random weights run on to the token limit, or
 * (with maxLength) can hold byte sequences that are not valid UTF-8. A real model has neither habit.
 */
const schema = {
  type: "object",
  additionalProperties: false,
  required: ["verdict", "ok", "tags"],
  properties: {
    verdict: { enum: ["pass", "fail"] },
    ok: { type: "boolean" },
    tags: { type: "array", items: { enum: ["risk", "cost", "scope"] }, maxItems: 3 },
  },
};

/** A hosted key is set too, and its fetch fails the test if anything is sent over the network. */
const env = () => ({
  QUORUM_LOCAL_MODEL: modelFile,
  QUORUM_LOCAL_THREADS: "1",
  QUORUM_MODELS_DIR: join(dir, "pulled"),
  OPENAI_API_KEY: "sk-never-used",
});
const noNetwork: typeof fetch = async (input) => {
  throw new Error(`unexpected network request to ${String(input)}`);
};
const client = (catalog = builtinCatalog()) =>
  createModelClient({ catalog, env: env(), fetch: noNetwork, sleep: async () => {} });

describe("local models through the model client", () => {
  it("answers a schema request with schema-valid JSON, usage counted and cost 0", async () => {
    const response = await client().generate({
      models: ["local/default"],
      system: "You review plans.",
      prompt: "Is this plan fine?",
      schema,
      maxOutputTokens: 64,
      temperature: 0.8,
    });
    expect(response.model).toBe("local/default");
    const document = JSON.parse(response.text);
    const validate = new Ajv().compile(schema);
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    expect(response.usage.outputTokens).toBeGreaterThan(0);
    expect(response.costUsd).toBe(0);
  });

  it("routes a sensitive request that names no model to the local model, never to a hosted key", async () => {
    const response = await client().generate({ models: [], prompt: "secret", schema, sensitive: true });
    expect(response.model.startsWith("local/")).toBe(true);
    expect(() => JSON.parse(response.text)).not.toThrow();
  });

  it("finds a model by the path declared in config, relative to the config file", async () => {
    const config = { models: { "local/tiny": { path: "tiny.gguf" } } };
    const catalog = mergeCatalog(builtinCatalog(), additionsFromConfig(config, dir));
    const local = createModelClient({ catalog, env: { QUORUM_LOCAL_THREADS: "1" }, fetch: noNetwork });
    const response = await local.generate({ models: ["local/tiny"], prompt: "hi", schema });
    expect(response.model).toBe("local/tiny");
  });

  it("fails a missing GGUF file with a message naming the path and how to get a model", async () => {
    const error = await client()
      .generate({ models: ["local/absent-model"], prompt: "hi" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelCallError);
    expect((error as ModelCallError).isRetryable).toBe(false);
    expect((error as Error).message).toContain("local/absent-model");
    expect((error as Error).message).toContain(join(dir, "pulled", "absent-model.gguf"));
    expect((error as Error).message).toContain("quorum models pull");
  });

  it("stops a generation when the caller aborts, and the model still answers the next call", async () => {
    const controller = new AbortController();
    const call = client().generate(
      { models: ["local/default"], prompt: "write forever", maxOutputTokens: 100_000 },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(new Error("cancelled by test")), 100);
    await expect(call).rejects.toThrow("cancelled by test");
    const next = await client().generate({ models: ["local/default"], prompt: "again", schema });
    expect(() => JSON.parse(next.text)).not.toThrow();
  });

  it("serialises concurrent calls on one model: both answer", async () => {
    const ask = () =>
      client().generate({ models: ["local/default"], prompt: "x", schema, maxOutputTokens: 64 });
    const [a, b] = await Promise.all([ask(), ask()]);
    expect(JSON.parse(a.text)).toHaveProperty("verdict");
    expect(JSON.parse(b.text)).toHaveProperty("verdict");
  });
});

describe("LocalLanguageModel streaming", () => {
  it("streams text deltas and finishes with usage", async () => {
    const model = new LocalLanguageModel("default", { env: env() });
    const result = streamText({ model, prompt: "hello", maxOutputTokens: 16, maxRetries: 0 });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text.length).toBeGreaterThan(0);
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
    expect(text).toBe(await result.text);
  });
});

describe("when no provider is available", () => {
  it("the explanations point at in-process models and quorum models pull", async () => {
    const bare = { QUORUM_MODELS_DIR: join(dir, "empty") };
    expect(explainNoProvider(builtinCatalog(), bare)).toContain("quorum models pull");
    expect(noProviderMessage(builtinCatalog(), bare)).toContain("quorum models pull");
    const error = await createModelClient({ catalog: builtinCatalog(), env: bare, fetch: noNetwork })
      .generate({ models: [], prompt: "secret", sensitive: true })
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toContain("quorum models pull");
  });
});
