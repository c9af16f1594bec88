import { describe, expect, it } from "vitest";
import { modelStep, workflow } from "../testing/workflow-builder.js";
import { noProviderMessage, providersAvailable, unreachableConditionalSteps } from "./availability.js";
import { builtinCatalog } from "./catalog/index.js";

const catalog = builtinCatalog();
const uses = (...models: string[]) =>
  workflow("w")
    .document("d")
    .step(modelStep("s", { models, outputs: ["d"] }))
    .build();

describe("providersAvailable", () => {
  it("counts a key, a numbered pool or an alias; not an empty key", () => {
    expect(providersAvailable(catalog, {}, uses("openai/gpt-4o-mini"))).toBe(false);
    expect(providersAvailable(catalog, { OPENAI_API_KEY: "k" }, uses("openai/gpt-4o-mini"))).toBe(true);
    expect(providersAvailable(catalog, { GROQ_API_KEY_2: "k" }, uses("groq/llama-3.3-70b-versatile"))).toBe(
      true,
    );
    expect(
      providersAvailable(catalog, { GOOGLE_GENERATIVE_AI_API_KEY: "k" }, uses("google/gemini-2.5-flash")),
    ).toBe(true);
    expect(providersAvailable(catalog, { OPENAI_API_KEY: "  " }, uses("openai/gpt-4o-mini"))).toBe(false);
  });

  it("counts keyless servers, in-process models only with a GGUF file, and needs every step reachable", () => {
    expect(providersAvailable(catalog, {}, uses("ollama/llama3.1:8b"))).toBe(true);
    const noModels = { QUORUM_MODELS_DIR: "/nonexistent/quorum-models" };
    expect(providersAvailable(catalog, noModels, uses("local/default"))).toBe(false);
    const withModel = { ...noModels, QUORUM_LOCAL_MODEL: "/models/tiny.gguf" };
    expect(providersAvailable(catalog, withModel, uses("local/default"))).toBe(true);
    const twoSteps = workflow("w")
      .document("a")
      .document("b")
      .step(
        modelStep("x", { models: ["openai/gpt-4o"], outputs: ["a"] }),
        modelStep("y", { models: ["anthropic/claude-sonnet-4-5"], outputs: ["b"] }),
      )
      .build();
    expect(providersAvailable(catalog, { OPENAI_API_KEY: "k" }, twoSteps)).toBe(false);
    expect(noProviderMessage(catalog, { OPENAI_API_KEY: "k" }, twoSteps)).toContain("ANTHROPIC_API_KEY");
  });

  it("does not stop a run for a step behind `when:`, but names it for a warning", () => {
    const conditional = workflow("w")
      .document("a")
      .document("b")
      .step(
        modelStep("x", { models: ["openai/gpt-4o"], outputs: ["a"] }),
        modelStep("y", { models: ["anthropic/claude-sonnet-4-5"], outputs: ["b"], when: "inputs.deep" }),
      )
      .build();
    const env = { OPENAI_API_KEY: "k" };
    expect(providersAvailable(catalog, env, conditional)).toBe(true);
    expect(unreachableConditionalSteps(catalog, env, conditional)).toEqual(["y"]);
    expect(unreachableConditionalSteps(catalog, { ...env, ANTHROPIC_API_KEY: "k" }, conditional)).toEqual([]);
    // The steps that always run still must be reachable.
    expect(providersAvailable(catalog, { ANTHROPIC_API_KEY: "k" }, conditional)).toBe(false);
  });
});
