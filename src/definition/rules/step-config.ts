/** Kind-specific configuration that the schema alone cannot express. */
import type { Issue, Step, StepKind } from "../../spec/index.js";
import { codes } from "../codes.js";
import { didYouMean } from "../suggest.js";
import type { Rule } from "./rule.js";

/** How many documents each kind produces: [min, max]. */
const outputCounts: Record<StepKind, [number, number]> = {
  model: [1, 1],
  ensemble: [1, 1],
  agent: [1, 1],
  map: [1, 1],
  arbiter: [0, 1],
  gate: [0, 1],
  check: [0, 1],
  approval: [0, 0],
  workflow: [0, 20],
};
const callsModels = new Set<StepKind>(["model", "ensemble", "agent", "map", "arbiter"]);

export const outputCount: Rule = {
  name: "output-count",
  check({ workflow, at }) {
    return workflow.steps.flatMap((step) => {
      const [min, max] = outputCounts[step.kind];
      const n = step.outputs.length;
      if (n >= min && n <= max) return [];
      const want = min === max ? `exactly ${min}` : `${min} to ${max}`;
      return [
        at(
          ["steps", step.index, n === 0 ? "id" : "outputs"],
          codes.outputCount,
          `a ${step.kind} step produces ${want} document${max === 1 ? "" : "s"}, '${step.id}' lists ${n}`,
        ),
      ];
    });
  },
};

function modelStepProblems(step: Step, promptWritten: boolean): string[] {
  if (!("models" in step)) return [];
  const problems: string[] = [];
  if (step.models.length === 0 && step.routing === undefined)
    problems.push(
      `step '${step.id}' has no model: add models:, a role with models:, defaults.models, or routing: hints`,
    );
  if (!step.prompt && !promptWritten) problems.push(`step '${step.id}' needs a prompt: template file`);
  if (step.kind === "ensemble") {
    if (step.models.length < 2)
      problems.push(`ensemble '${step.id}' needs at least 2 models, it has ${step.models.length}`);
    if (step.combine.minSuccesses !== undefined && step.combine.minSuccesses > step.models.length)
      problems.push(
        `combine.minSuccesses is ${step.combine.minSuccesses} but only ${step.models.length} models run`,
      );
    if ((step.combine.strategy === "judge" || step.combine.strategy === "merge") && !step.combine.judge)
      problems.push(
        `combine strategy '${step.combine.strategy}' needs combine.judge: the model that ${step.combine.strategy}s`,
      );
  }
  return problems;
}

export const stepConfig: Rule = {
  name: "step-config",
  check({ workflow, at, source }) {
    const issues: Issue[] = [];
    const written = (source.value as { steps: Array<{ prompt?: unknown }> }).steps;
    for (const step of workflow.steps) {
      const here = (message: string, ...path: (string | number)[]) =>
        issues.push(at(["steps", step.index, ...path], codes.invalidStepConfig, message));
      if (callsModels.has(step.kind))
        for (const problem of modelStepProblems(step, written[step.index]?.prompt !== undefined))
          here(problem);
      if (step.kind === "check" && (step.run === undefined) === (step.probe === undefined))
        here(`check '${step.id}' needs exactly one of run: (a command) or probe: (an HTTP check)`);
      if (step.kind === "check" && step.run?.expectOutput !== undefined && !validRegex(step.run.expectOutput))
        here(`expectOutput is not a valid regular expression`, "run", "expectOutput");
      if (step.kind === "arbiter") {
        const routes = Object.keys(step.routes);
        if (routes.length === 0) here(`arbiter '${step.id}' has no routes`, "routes");
        else if (!step.routes[step.default])
          here(
            `default route '${step.default}' is not one of the routes${didYouMean(step.default, routes)}`,
            "default",
          );
      }
      if (
        step.kind === "gate" &&
        step.remediate.length === 0 &&
        step.maxRounds > 1 &&
        step.onExhausted === "fail"
      )
        issues.push(
          at(
            ["steps", step.index, "maxRounds"],
            codes.invalidStepConfig,
            `gate '${step.id}' has maxRounds but nothing to remediate`,
            "warning",
          ),
        );
      if (step.kind === "gate")
        step.checks.forEach((check, i) => {
          if (check.type === "matches" && !validRegex(check.pattern))
            here(`pattern is not a valid regular expression`, "checks", i, "matches", "pattern");
          if (
            check.type === "length" &&
            check.min !== undefined &&
            check.max !== undefined &&
            check.min > check.max
          )
            here(`length.min is greater than length.max`, "checks", i, "length");
        });
    }
    return issues;
  },
};

function validRegex(pattern: string): boolean {
  try {
    new RegExp(pattern);
    return true;
  } catch {
    return false;
  }
}

export const validInputs: Rule = {
  name: "valid-inputs",
  check({ workflow, at }) {
    const issues: Issue[] = [];
    for (const input of Object.values(workflow.inputs)) {
      const here = (message: string, field?: string) =>
        issues.push(at(["inputs", input.id, ...(field ? [field] : [])], codes.invalidInput, message));
      if (input.type === "enum" && (!input.values || input.values.length === 0))
        here(`enum input '${input.id}' needs values: [...]`);
      if (input.type !== "enum" && input.values) here(`values: only applies to enum inputs`, "values");
      if (input.default === undefined) continue;
      const expected = {
        string: "string",
        file: "string",
        enum: "string",
        number: "number",
        boolean: "boolean",
        list: "array",
      }[input.type];
      const actual = Array.isArray(input.default) ? "array" : typeof input.default;
      if (actual !== expected)
        here(
          `default must be ${expected === "array" ? "an array" : `a ${expected}`} for a ${input.type} input`,
          "default",
        );
      else if (input.type === "enum" && input.values && !input.values.includes(String(input.default)))
        here(`default '${input.default}' is not one of ${input.values.join(", ")}`, "default");
    }
    return issues;
  },
};
