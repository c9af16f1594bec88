import { describe, expect, it } from "vitest";
import type { InputSpec, Workflow } from "../spec/index.js";
import { resolveInputs } from "./inputs.js";

const workflowWith = (...inputs: InputSpec[]) =>
  ({ inputs: Object.fromEntries(inputs.map((i) => [i.id, i])) }) as unknown as Workflow;
/** A required input spec, unless `extra` says otherwise. */
const input =
  (id: string, type: InputSpec["type"]) =>
  (extra: Partial<InputSpec> = {}): InputSpec => ({ id, type, required: true, ...extra });
const list = input("tickets", "list");

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
    const hint = `e.g. --input tickets='["a","b"]' or --input tickets=@items.json`;
    expect(resolveInputs(wf, { tickets: '{"a": 1}' }).problems).toEqual([
      `input 'tickets' must be a JSON array, but the value is a JSON object; ${hint}`,
    ]);
    expect(resolveInputs(wf, { tickets: "3" }).problems).toEqual([
      `input 'tickets' must be a JSON array, but the value is a number; ${hint}`,
    ]);
  });

  it("names the file the value came from and where its JSON broke, on one line", () => {
    const wf = workflowWith(list());
    const hint = `e.g. --input tickets='["a","b"]' or --input tickets=@items.json`;
    expect(resolveInputs(wf, { tickets: "a, b" }).problems).toEqual([
      `input 'tickets' must be a JSON array, but the value is not valid JSON: Unexpected token 'a', "a, b" is not valid JSON; ${hint}`,
    ]);
    const text = '[\n  {"title": "a"},\n  {"title": "b",}\n]\n';
    expect(resolveInputs(wf, { tickets: text }, { tickets: "t.json" }).problems).toEqual([
      `input 'tickets' must be a JSON array, but file 't.json' is not valid JSON: Expected double-quoted property name in JSON at position 36 (line 3 column 17); ${hint}`,
    ]);
    const [problem] = resolveInputs(wf, { tickets: "[1,\n2,\nx]" }, { tickets: "t.json" }).problems;
    expect(problem).toContain(
      `file 't.json' is not valid JSON: Unexpected token 'x', "[1, 2, x]" is not valid JSON;`,
    );
    expect(problem).not.toContain("\n");
  });

  it("uses a declared default list, and asks for a required one", () => {
    expect(resolveInputs(workflowWith(list({ required: false, default: [1, 2] })), {}).inputs).toEqual({
      tickets: [1, 2],
    });
    expect(resolveInputs(workflowWith(list()), {}).problems[0]).toMatch(/missing required input 'tickets'/);
  });
});

describe("resolveInputs: number inputs", () => {
  const number = input("n", "number");

  it("takes finite numbers, given as text or from the default", () => {
    expect(resolveInputs(workflowWith(number()), { n: "-2.5e3" }).inputs).toEqual({ n: -2500 });
    expect(resolveInputs(workflowWith(number({ default: 7 })), {}).inputs).toEqual({ n: 7 });
  });

  it("refuses what is not a finite number (JSON would journal Infinity as null)", () => {
    for (const given of ["1e999", "Infinity", "-Infinity", "1e400", "NaN", "abc", "", "  "])
      expect(resolveInputs(workflowWith(number()), { n: given })).toEqual({
        inputs: {},
        problems: [`input 'n' must be a finite number, got '${given}'`],
      });
    expect(resolveInputs(workflowWith(number({ default: Number.POSITIVE_INFINITY })), {}).problems).toEqual([
      "input 'n' must be a finite number, got 'Infinity' (its default: in the workflow)",
    ]);
  });
});

describe("resolveInputs: required text inputs", () => {
  const idea = input("idea", "string");

  it("refuses an empty or blank value for a required input, and keeps an optional one", () => {
    for (const given of ["", "   "])
      expect(resolveInputs(workflowWith(idea()), { idea: given })).toEqual({
        inputs: {},
        problems: ["required input 'idea' is empty: pass --input idea=..."],
      });
    expect(resolveInputs(workflowWith(idea({ required: false })), { idea: "" }).inputs).toEqual({ idea: "" });
    expect(resolveInputs(workflowWith(idea()), { idea: "shopping list" }).inputs).toEqual({
      idea: "shopping list",
    });
  });
});
