import { describe, expect, it } from "vitest";
import type { InputSpec, Workflow } from "../spec/index.js";
import { resolveInputs } from "./inputs.js";

const workflowWith = (...inputs: InputSpec[]) =>
  ({ inputs: Object.fromEntries(inputs.map((i) => [i.id, i])) }) as unknown as Workflow;
const list = (extra: Partial<InputSpec> = {}): InputSpec => ({
  id: "tickets",
  type: "list",
  required: true,
  ...extra,
});

describe("resolveInputs: list inputs", () => {
  it("takes a JSON array as text (the CLI's --input name=@items.json) or as an array", () => {
    const wf = workflowWith(list());
    expect(resolveInputs(wf, { tickets: '["a", {"id": 2}]' })).toEqual({
      inputs: { tickets: ["a", { id: 2 }] },
      problems: [],
    });
    expect(resolveInputs(wf, { tickets: ["x"] }).inputs).toEqual({ tickets: ["x"] });
  });

  it("says how to pass one when the value is not a JSON array", () => {
    const wf = workflowWith(list());
    for (const given of ["a, b", '{"a": 1}', "3"]) {
      const { problems } = resolveInputs(wf, { tickets: given });
      expect(problems).toEqual([
        `input 'tickets' must be a JSON array, e.g. --input tickets='["a","b"]' or --input tickets=@items.json`,
      ]);
    }
  });

  it("uses a declared default list, and asks for a required one", () => {
    expect(resolveInputs(workflowWith(list({ required: false, default: [1, 2] })), {}).inputs).toEqual({
      tickets: [1, 2],
    });
    expect(resolveInputs(workflowWith(list()), {}).problems[0]).toMatch(/missing required input 'tickets'/);
  });
});
