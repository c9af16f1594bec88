import { describe, expect, it } from "vitest";
import { builtinCatalog } from "./catalog/index.js";
import { costUsd, priceForPrompt, usageFromSdk } from "./cost.js";

const catalog = builtinCatalog();
const priceOf = (ref: string) => {
  const price = catalog.models[ref]?.price;
  if (!price) throw new Error(`no price for ${ref}`);
  return price;
};

describe("costUsd golden values (exact to the micro-dollar)", () => {
  it("gpt-4o: cached reads bill at the cached rate, the rest at input", () => {
    const cost = costUsd(
      { inputTokens: 1_000_000, cachedInputTokens: 400_000, outputTokens: 500_000 },
      priceOf("openai/gpt-4o"),
    );
    // 600k x $2.50 + 400k x $1.25 + 500k x $10 = 1.5 + 0.5 + 5
    expect(cost.costMicroUsd).toBe(7_000_000);
    expect(cost.costUsd).toBe(7);
    expect(cost.billedTokens).toEqual({
      input: 600_000,
      cachedInput: 400_000,
      cacheWrite: 0,
      output: 500_000,
      reasoning: 0,
    });
  });

  it("claude-sonnet-4-5: cache reads and 5-minute cache writes are part of inputTokens", () => {
    const cost = costUsd(
      { inputTokens: 12_345, cachedInputTokens: 2_000, cacheWriteTokens: 1_000, outputTokens: 678 },
      priceOf("anthropic/claude-sonnet-4-5"),
    );
    // 9,345 x 3 + 2,000 x 0.30 + 1,000 x 3.75 + 678 x 15 = 28,035 + 600 + 3,750 + 10,170 micro-USD
    expect(cost.costMicroUsd).toBe(42_555);
    expect(cost.costUsd).toBe(0.042555);
  });

  it("o4-mini: reasoning tokens are inside outputTokens and bill at the output rate", () => {
    const cost = costUsd(
      { inputTokens: 2_000, cachedInputTokens: 1_024, outputTokens: 3_000, reasoningTokens: 2_500 },
      priceOf("openai/o4-mini"),
    );
    // 976 x 1.10 + 1,024 x 0.275 + 500 x 4.40 + 2,500 x 4.40 = 1,073.6 + 281.6 + 2,200 + 11,000 = 14,555.2
    expect(cost.costMicroUsd).toBe(14_555);
    expect(cost.billedTokens.output).toBe(500);
    expect(cost.billedTokens.reasoning).toBe(2_500);
  });

  it("a separate reasoning price applies only to the reasoning share", () => {
    const cost = costUsd(
      { inputTokens: 1_000, outputTokens: 1_000, reasoningTokens: 600 },
      { inputPerMTokUsd: 0.3, outputPerMTokUsd: 0.6, reasoningPerMTokUsd: 3.5 },
    );
    // 1,000 x 0.3 + 400 x 0.6 + 600 x 3.5 = 300 + 240 + 2,100
    expect(cost.costMicroUsd).toBe(2_640);
  });

  it("deepseek-chat: cache hits at one tenth of a miss", () => {
    const cost = costUsd(
      { inputTokens: 100_000, cachedInputTokens: 90_000, outputTokens: 10_000 },
      priceOf("deepseek/deepseek-chat"),
    );
    // 10,000 x 0.28 + 90,000 x 0.028 + 10,000 x 0.42 = 2,800 + 2,520 + 4,200
    expect(cost.costMicroUsd).toBe(9_520);
  });

  it("rounds the exact pico-dollar sum once, half up", () => {
    const nano = priceOf("openai/gpt-5-nano"); // $0.05 / MTok input
    expect(costUsd({ inputTokens: 9, outputTokens: 0 }, nano).costMicroUsd).toBe(0); // 0.45
    expect(costUsd({ inputTokens: 10, outputTokens: 0 }, nano).costMicroUsd).toBe(1); // 0.5
    const mini = priceOf("openai/gpt-4o-mini"); // $0.075 cached: 0.075 * 1e6 is not exact in floats
    expect(
      costUsd({ inputTokens: 1_000_000, cachedInputTokens: 1_000_000, outputTokens: 0 }, mini).costMicroUsd,
    ).toBe(75_000);
  });

  it("never drifts: 100 000 one-token calls sum to the price of 100 000 tokens", () => {
    const price = { inputPerMTokUsd: 3, outputPerMTokUsd: 15 };
    let totalMicroUsd = 0;
    for (let i = 0; i < 100_000; i++)
      totalMicroUsd += costUsd({ inputTokens: 1, outputTokens: 1 }, price).costMicroUsd;
    expect(totalMicroUsd).toBe(1_800_000);
  });

  it("stays exact for huge counts at high prices (beyond 2^53 pico-dollars)", () => {
    const cost = costUsd(
      { inputTokens: 1_000_000_000, outputTokens: 1_000_000_000 },
      { inputPerMTokUsd: 150, outputPerMTokUsd: 600 },
    );
    expect(cost.costMicroUsd).toBe(750_000_000_000);
  });

  it("local models cost 0", () => {
    expect(
      costUsd({ inputTokens: 5_000, outputTokens: 5_000 }, priceOf("ollama/qwen2.5:14b")).costMicroUsd,
    ).toBe(0);
  });

  it("flags and clamps usage whose details exceed their totals", () => {
    const cost = costUsd(
      { inputTokens: 10, cachedInputTokens: 20, outputTokens: 5, reasoningTokens: 8 },
      priceOf("openai/gpt-4o"),
    );
    expect(cost.inconsistentUsage).toBe(true);
    expect(cost.billedTokens.input).toBe(0);
    expect(cost.billedTokens.output).toBe(0);
    // 20 x 1.25 + 8 x 10 = 25 + 80 = 105 micro
    expect(cost.costMicroUsd).toBe(105);
  });

  it("rejects impossible counts and prices", () => {
    expect(() => costUsd({ inputTokens: -1, outputTokens: 0 }, priceOf("openai/gpt-4o"))).toThrow(RangeError);
    expect(() => costUsd({ inputTokens: 1.5, outputTokens: 0 }, priceOf("openai/gpt-4o"))).toThrow(
      /inputTokens/,
    );
    expect(() =>
      costUsd({ inputTokens: 1, outputTokens: 0 }, { inputPerMTokUsd: Number.NaN, outputPerMTokUsd: 1 }),
    ).toThrow(/inputPerMTokUsd/);
  });
});

describe("priceForPrompt", () => {
  const pro = catalog.models["google/gemini-2.5-pro"]!;
  it("uses the base price up to the threshold and the long-context tier past it", () => {
    expect(priceForPrompt(pro, 200_000)?.inputPerMTokUsd).toBe(1.25);
    expect(priceForPrompt(pro, 200_001)?.inputPerMTokUsd).toBe(2.5);
    expect(
      costUsd({ inputTokens: 300_000, outputTokens: 1_000 }, priceForPrompt(pro, 300_000)!).costMicroUsd,
    ).toBe(
      // 300,000 x 2.50 + 1,000 x 15
      765_000,
    );
  });
  it("returns undefined for an unpriced model", () => {
    expect(
      priceForPrompt(catalog.models["openrouter/nousresearch/hermes-3-llama-3.1-405b"]!, 10),
    ).toBeUndefined();
  });
});

describe("usageFromSdk (AI SDK v6 LanguageModelUsage)", () => {
  it("reads the detail objects", () => {
    expect(
      usageFromSdk({
        inputTokens: 100,
        inputTokenDetails: { noCacheTokens: 70, cacheReadTokens: 20, cacheWriteTokens: 10 },
        outputTokens: 50,
        outputTokenDetails: { textTokens: 30, reasoningTokens: 20 },
      }),
    ).toEqual({
      inputTokens: 100,
      outputTokens: 50,
      cachedInputTokens: 20,
      cacheWriteTokens: 10,
      reasoningTokens: 20,
    });
  });
  it("falls back to deprecated flat fields and rebuilds missing totals", () => {
    expect(
      usageFromSdk({ inputTokens: 10, outputTokens: 4, cachedInputTokens: 3, reasoningTokens: 1 }),
    ).toEqual({
      inputTokens: 10,
      outputTokens: 4,
      cachedInputTokens: 3,
      cacheWriteTokens: 0,
      reasoningTokens: 1,
    });
    expect(
      usageFromSdk({
        inputTokens: undefined,
        inputTokenDetails: { noCacheTokens: 5, cacheReadTokens: 2 },
        outputTokens: undefined,
        outputTokenDetails: { textTokens: 3, reasoningTokens: 4 },
      }),
    ).toMatchObject({ inputTokens: 7, outputTokens: 7 });
  });
});
