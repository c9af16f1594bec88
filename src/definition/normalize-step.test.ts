/**
 * Normalized steps of one kind have the same fields in the same order, whatever the file left
 * out (the hidden-class guarantee `normalize-step.ts` explains), and absent fields stay invisible
 * to JSON.
 */
import { describe, expect, it } from "vitest";
import { load } from "./test-helpers.js";

const workflow = `quorum: 1
name: shapes
roles:
  writer: { instructions: Write., models: [openai/gpt-4o-mini] }
documents:
  doc-a: { schema: schemas/doc.schema.json }
  doc-b: {}
  doc-c: {}
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - id: bare
    kind: model
    prompt: prompts/a.md
    outputs: [doc-a]
  - id: dressed
    kind: model
    name: Dressed
    description: Every optional field.
    role: writer
    prompt: prompts/b.md
    inputs: [doc-a]
    outputs: [doc-b]
    when: inputs.topic == 'x'
    timeout: 5m
    budget: { usd: 1, onExceed: stop }
    estimate: { duration: 1m, inputTokens: 10, outputTokens: 20 }
    cache: true
    ask: { maxRounds: 3, timeout: 1h }
  - id: check-a
    kind: gate
    inputs: [doc-a]
    checks: [{ schema: true }]
  - id: check-b
    kind: gate
    inputs: [doc-b]
    outputs: [doc-c]
    checks: [{ length: { min: 1 } }, { judge: { models: [openai/gpt-4o-mini], prompt: prompts/a.md } }]
    threshold: 0.5
    remediate: [dressed]
inputs:
  topic: { type: string }
`;

describe("normalizeStep", () => {
  it("gives every step of a kind the same fields, in the same order", () => {
    const result = load(workflow);
    expect(result.issues.filter((issue) => issue.severity === "error")).toEqual([]);
    const [bare, dressed, checkA, checkB] = result.workflow!.steps;
    expect(Object.keys(bare!)).toEqual(Object.keys(dressed!));
    expect(Object.keys(bare!.estimate)).toEqual(Object.keys(dressed!.estimate));
    expect(Object.keys(checkA!)).toEqual(Object.keys(checkB!));
    expect(Object.keys(bare!).slice(0, 3)).toEqual(["id", "kind", "inputs"]);
    expect(Object.keys(checkA!)).not.toContain("models");
  });

  it("leaves absent fields out of JSON", () => {
    const bare = JSON.parse(JSON.stringify(load(workflow).workflow!.steps[0]));
    expect(bare).toEqual({
      id: "bare",
      kind: "model",
      inputs: [],
      outputs: ["doc-a"],
      needs: [],
      retries: 1,
      estimate: {},
      index: 0,
      models: ["openai/gpt-4o-mini"],
      prompt: { file: "w/prompts/a.md", text: "Write about {{ inputs.topic }}." },
    });
    expect(Object.keys(bare)).toEqual([
      "id",
      "kind",
      "inputs",
      "outputs",
      "needs",
      "retries",
      "estimate",
      "index",
      "models",
      "prompt",
    ]);
  });
});
