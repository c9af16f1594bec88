import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigFile } from "../../spec/index.js";
import {
  additionsFromConfig,
  apiKeyEnvNames,
  builtinCatalog,
  lookupModel,
  mergeCatalog,
  parseModelRef,
  pricesCheckedOn,
  pricesOf,
  priceTable,
  providerPresets,
} from "./index.js";

describe("provider presets", () => {
  it("covers every provider quorum names, with the right kind and locality", () => {
    const shape = Object.fromEntries(
      Object.values(providerPresets).map((p) => [p.id, `${p.kind} local=${p.local} open=${p.openModelSet}`]),
    );
    expect(shape).toEqual({
      openai: "openai local=false open=false",
      anthropic: "anthropic local=false open=false",
      google: "google local=false open=false",
      groq: "openai-compatible local=false open=false",
      openrouter: "openai-compatible local=false open=true",
      together: "openai-compatible local=false open=true",
      mistral: "openai-compatible local=false open=false",
      deepseek: "openai-compatible local=false open=false",
      cerebras: "openai-compatible local=false open=false",
      fireworks: "openai-compatible local=false open=true",
      nvidia: "openai-compatible local=false open=true",
      xai: "openai-compatible local=false open=false",
      ollama: "openai-compatible local=true open=true",
      vllm: "openai-compatible local=true open=true",
      lmstudio: "openai-compatible local=true open=true",
      llamacpp: "openai-compatible local=true open=true",
      local: "local local=true open=true",
    });
  });

  it("hosted providers need a key; local ones do not", () => {
    for (const p of Object.values(providerPresets)) {
      expect(p.apiKeyRequired, p.id).toBe(!p.local);
      if (!p.local) expect(p.apiKeyEnv, p.id).toMatch(/^[A-Z_]+_API_KEY$/);
      if (p.kind !== "local") expect(p.baseURL, p.id).toMatch(/^https?:\/\/[^/]+/);
    }
    expect(providerPresets.ollama.baseURL).toBe("http://localhost:11434/v1");
    expect(apiKeyEnvNames(providerPresets.google)).toEqual([
      "GEMINI_API_KEY",
      "GOOGLE_GENERATIVE_AI_API_KEY",
    ]);
  });

  it("is plain, frozen data", () => {
    expect(JSON.parse(JSON.stringify(providerPresets))).toEqual(providerPresets);
    expect(Object.isFrozen(providerPresets.openai)).toBe(true);
  });
});

describe("price table", () => {
  it("carries the date prices were checked", () => {
    expect(pricesCheckedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("names only known providers, with sane prices", () => {
    for (const [ref, entry] of Object.entries(priceTable)) {
      expect(providerPresets, ref).toHaveProperty(parseModelRef(ref).provider);
      const price = entry.price;
      if (!price) continue;
      expect(price.inputPerMTokUsd, ref).toBeGreaterThanOrEqual(0);
      expect(price.outputPerMTokUsd, ref).toBeGreaterThanOrEqual(price.inputPerMTokUsd);
      if (price.cachedInputPerMTokUsd !== undefined)
        expect(price.cachedInputPerMTokUsd, ref).toBeLessThan(price.inputPerMTokUsd);
      if (price.cacheWritePerMTokUsd !== undefined)
        expect(price.cacheWritePerMTokUsd, ref).toBeGreaterThanOrEqual(price.inputPerMTokUsd);
      if (providerPresets[parseModelRef(ref).provider as "ollama"].local)
        expect(price.inputPerMTokUsd).toBe(0);
    }
  });

  it("includes the models the seeds and docs use", () => {
    const catalog = builtinCatalog();
    for (const ref of [
      "openai/gpt-4o-mini",
      "anthropic/claude-sonnet-4-5",
      "anthropic/claude-sonnet-4-20250514",
      "google/gemini-1.5-pro",
      "mistral/ministral-8b-latest",
      "openrouter/meta-llama/llama-4-maverick",
      "openrouter/nousresearch/hermes-3-llama-3.1-405b",
      "openrouter/qwen/qwen-2-72b-instruct",
      "openrouter/deepseek/deepseek-chat-v3-0324",
      "ollama/qwen2.5:14b",
    ])
      expect(catalog.models, ref).toHaveProperty([ref]);
  });
});

describe("builtinCatalog", () => {
  it("expands aliases to their own entries pointing at the dated model", () => {
    const { models } = builtinCatalog();
    expect(models["anthropic/claude-sonnet-4-5"]).toMatchObject({
      ref: "anthropic/claude-sonnet-4-5",
      aliasOf: "anthropic/claude-sonnet-4-5-20250929",
      price: models["anthropic/claude-sonnet-4-5-20250929"]!.price,
    });
  });

  it("derives long-context from the context window", () => {
    const { models } = builtinCatalog();
    expect(models["google/gemini-2.5-flash"]!.capabilities).toContain("long-context");
    expect(models["openai/gpt-4o"]!.capabilities).not.toContain("long-context");
  });

  it("returns a fresh copy each time", () => {
    const a = builtinCatalog();
    a.models["openai/gpt-4o"]!.price!.inputPerMTokUsd = 999;
    a.providers.openai!.baseURL = "http://changed";
    const b = builtinCatalog();
    expect(b.models["openai/gpt-4o"]!.price!.inputPerMTokUsd).toBe(2.5);
    expect(b.providers.openai!.baseURL).toBe("https://api.openai.com/v1");
  });
});

describe("parseModelRef", () => {
  it("splits on the first slash only", () => {
    expect(parseModelRef("openrouter/meta-llama/llama-4-maverick")).toEqual({
      provider: "openrouter",
      model: "meta-llama/llama-4-maverick",
    });
    expect(parseModelRef("ollama/qwen2.5:14b")).toEqual({ provider: "ollama", model: "qwen2.5:14b" });
  });
  it.each(["gpt-4o", "/gpt-4o", "openai/", ""])("rejects %j", (ref) => {
    expect(() => parseModelRef(ref)).toThrow(/provider\/model/);
  });
});

describe("mergeCatalog", () => {
  it("derives a provider from a preset, keeping the preset's nature", () => {
    const merged = mergeCatalog(builtinCatalog(), {
      providers: { ollama02: { preset: "ollama", baseURL: "http://ollama02:11434/v1" } },
    });
    expect(merged.providers.ollama02).toMatchObject({
      id: "ollama02",
      kind: "openai-compatible",
      local: true,
      openModelSet: true,
      baseURL: "http://ollama02:11434/v1",
    });
  });

  it("makes an unknown provider an open-set OpenAI-compatible host", () => {
    const merged = mergeCatalog(builtinCatalog(), {
      providers: { corp: { baseURL: "https://llm.corp/v1", apiKeyEnv: "CORP_KEY" } },
    });
    expect(merged.providers.corp).toMatchObject({
      kind: "openai-compatible",
      local: false,
      openModelSet: true,
      apiKeyRequired: true,
    });
  });

  it("replaces a price wholesale and drops the stale long-context tier", () => {
    const merged = mergeCatalog(builtinCatalog(), {
      models: { "google/gemini-2.5-pro": { price: { inputPerMTokUsd: 1, outputPerMTokUsd: 8 } } },
    });
    const pro = merged.models["google/gemini-2.5-pro"]!;
    expect(pro.price).toEqual({ inputPerMTokUsd: 1, outputPerMTokUsd: 8 });
    expect(pro.longContext).toBeUndefined();
    expect(pro.contextWindow).toBe(1_048_576);
  });

  it("adds new models and leaves the base untouched", () => {
    const base = builtinCatalog();
    const merged = mergeCatalog(base, { models: { "openai/gpt-9": { contextWindow: 1_000 } } });
    expect(merged.models["openai/gpt-9"]).toEqual({ ref: "openai/gpt-9", contextWindow: 1_000 });
    expect(base.models).not.toHaveProperty(["openai/gpt-9"]);
  });

  it("refuses an unknown preset by name", () => {
    expect(() => mergeCatalog(builtinCatalog(), { providers: { x: { preset: "olama" } } })).toThrow(
      /unknown preset 'olama'/,
    );
  });

  it("reads the config file's shape", () => {
    const additions = additionsFromConfig({
      providers: { gpu: { preset: "vllm", baseURL: "http://gpu:8000/v1" } },
      models: {
        "gpu/qwen": { price: { input: 0, output: 0 } },
        "openai/gpt-4o": { price: { input: 2, output: 8, cachedInput: 1 } },
      },
    });
    const merged = mergeCatalog(builtinCatalog(), additions);
    expect(merged.providers.gpu?.local).toBe(true);
    expect(merged.models["openai/gpt-4o"]!.price).toEqual({
      inputPerMTokUsd: 2,
      outputPerMTokUsd: 8,
      cachedInputPerMTokUsd: 1,
    });
    expect(pricesOf(merged)["gpu/qwen"]).toEqual({ inputPerMTokUsd: 0, outputPerMTokUsd: 0 });
  });

  it("carries rate limits and key rotation from the config file into the catalog", () => {
    const config = ConfigFile.parse({
      quorum: 1,
      providers: { groq: { limits: { rpm: 30, tpm: 6_000, rpd: 14_400 }, keyRotation: "sticky" } },
      models: { "groq/llama-3.1-8b-instant": { limits: { maxConcurrent: 4 } } },
    });
    const merged = mergeCatalog(builtinCatalog(), additionsFromConfig(config));
    expect(merged.providers.groq).toMatchObject({
      limits: { rpm: 30, tpm: 6_000, rpd: 14_400 },
      keyRotation: "sticky",
      apiKeyEnv: "GROQ_API_KEY",
    });
    expect(merged.models["groq/llama-3.1-8b-instant"]!.limits).toEqual({ maxConcurrent: 4 });
    expect(() => ConfigFile.parse({ quorum: 1, providers: { groq: { limits: { rpm: 0 } } } })).toThrow();
  });
});

describe("lookupModel", () => {
  const catalog = builtinCatalog();
  it("prices an unlisted local model at 0", () => {
    expect(lookupModel(catalog, "ollama/phi4:latest")?.price).toEqual({
      inputPerMTokUsd: 0,
      outputPerMTokUsd: 0,
    });
    expect(lookupModel(catalog, "local/models/tiny.gguf")?.price?.outputPerMTokUsd).toBe(0);
  });
  it("knows nothing of unlisted hosted models", () => {
    expect(lookupModel(catalog, "openrouter/some/new-model")).toBeUndefined();
  });
});

describe("docs/models.md", () => {
  const doc = readFileSync(new URL("../../../docs/models.md", import.meta.url), "utf8");
  it("lists every built-in provider and model, and the check date", () => {
    // Table cells may be padded by the formatter: match the cell, not its width.
    const cell = (text: string) =>
      new RegExp(`\\|\\s*\`${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\`\\s*\\|`);
    for (const id of Object.keys(providerPresets)) expect(doc, id).toMatch(cell(id));
    for (const ref of Object.keys(priceTable)) expect(doc, ref).toMatch(cell(ref));
    expect(doc).toContain(pricesCheckedOn);
  });
});
