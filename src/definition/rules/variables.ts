/**
 * Template variables and expression references resolve: `inputs.X` is a declared input,
 * `documents.Y` a document the step can see, `role.*` needs a role, `item` only inside a map.
 */
import type { Issue, PromptTemplate, Step, Workflow } from "../../spec/index.js";
import { codes } from "../codes.js";
import { parseExpression } from "../expression.js";
import { ancestors, graphOf, type StepGraph } from "../graph.js";
import { didYouMean } from "../suggest.js";
import { parseTemplate, positionOf, type TemplateParse } from "../template.js";
import type { Rule } from "./rule.js";

const stepFields = ["id", "name", "description"];
const fixedRoots: Record<string, string[] | "any"> = {
  feedback: [],
  answers: [],
  step: stepFields,
  workflow: ["name", "description", "version"],
  run: ["id"],
  output: ["id", "schema", "description"],
};

/** Why `path` does not resolve for `step`, or undefined when it does. */
export function unresolved(
  path: string,
  step: Step,
  workflow: Workflow,
  visibleDocuments: Set<string>,
): string | undefined {
  const [root, second, ...rest] = path.split(".");
  switch (root) {
    case "inputs": {
      if (second === undefined) return undefined;
      if (workflow.inputs[second]) return undefined;
      return `unknown input '${second}'${didYouMean(second, Object.keys(workflow.inputs))} (declare it under inputs:)`;
    }
    case "documents": {
      if (second === undefined) return "name a document, e.g. documents.requirements-doc";
      if (visibleDocuments.has(second)) return undefined;
      if (workflow.documents[second])
        return `document '${second}' is not an input of step '${step.id}'; add it to the step's inputs:`;
      return `unknown document '${second}'${didYouMean(second, visibleDocuments)}`;
    }
    case "role":
      if (!("role" in step) || step.role === undefined) return `step '${step.id}' has no role`;
      return second === undefined || ["id", "name", "instructions"].includes(second)
        ? undefined
        : `role has no field '${second}'`;
    case "item":
    case "index":
      return step.kind === "map" ? undefined : `'${root}' exists only inside a map step`;
    default: {
      const fields = fixedRoots[root ?? ""];
      if (fields === undefined)
        return `unknown variable '${path}'${didYouMean(root ?? "", ["inputs", "documents", "role", "item", ...Object.keys(fixedRoots)])}`;
      if (second === undefined || fields === "any" || (fields.includes(second) && rest.length === 0))
        return undefined;
      return `'${root}' has no field '${second}'`;
    }
  }
}

function visibleDocuments(step: Step, graph: StepGraph): Set<string> {
  const visible = new Set(step.inputs);
  for (const ancestor of ancestors(graph, step.id))
    for (const d of graph.byId.get(ancestor)?.outputs ?? []) visible.add(d);
  return visible;
}

export const templateVariables: Rule = {
  name: "template-variables",
  check({ workflow }) {
    const issues: Issue[] = [];
    // Steps often share a prompt file: each text is parsed once.
    const parsedTexts = new Map<string, TemplateParse>();
    for (const step of workflow.steps) {
      const templates: PromptTemplate[] = [];
      if ("prompt" in step && step.prompt) templates.push(step.prompt);
      if (step.kind === "gate")
        for (const check of step.checks)
          if (check.type === "judge" && check.prompt) templates.push(check.prompt);
      // A prompt sees the documents it consumes; gates judge their inputs. Built only when needed.
      let visible: Set<string> | undefined;
      for (const template of templates) {
        let parsed = parsedTexts.get(template.text);
        if (parsed === undefined) {
          parsed = parseTemplate(template.text);
          parsedTexts.set(template.text, parsed);
        }
        const located = (offset: number, message: string): Issue => ({
          code: codes.unresolvedVariable,
          severity: "error",
          file: template.file,
          path: `steps[${step.index}].prompt`,
          message,
          start: positionOf(template.text, offset),
        });
        for (const error of parsed.errors) issues.push(located(error.offset, error.message));
        for (const variable of parsed.variables) {
          visible ??= new Set(step.inputs);
          const problem = unresolved(variable.path, step, workflow, visible);
          if (problem) issues.push(located(variable.offset, `{{${variable.path}}}: ${problem}`));
        }
      }
    }
    return issues;
  },
};

export const expressions: Rule = {
  name: "expressions",
  check({ workflow, at }) {
    const graph = graphOf(workflow);
    const issues: Issue[] = [];
    const checkExpression = (step: Step, text: string, path: (string | number)[], visible: Set<string>) => {
      const parsed = parseExpression(text);
      if (parsed.error) {
        issues.push(at(path, codes.invalidExpression, `cannot parse expression '${text}': ${parsed.error}`));
        return;
      }
      for (const reference of parsed.references) {
        const problem = unresolved(reference, step, workflow, visible);
        if (problem) issues.push(at(path, codes.unresolvedVariable, `in '${text}': ${problem}`));
      }
    };
    for (const step of workflow.steps) {
      // Ancestor sets are computed only for steps that need them: O(n) for ordinary workflows.
      const needsVisible =
        step.when !== undefined || (step.kind === "gate" && step.checks.some((c) => c.type === "assert"));
      const visible = needsVisible ? visibleDocuments(step, graph) : new Set(step.inputs);
      if (step.when !== undefined) checkExpression(step, step.when, ["steps", step.index, "when"], visible);
      if (step.kind === "gate")
        step.checks.forEach((check, i) => {
          if (check.type === "assert")
            checkExpression(step, check.expression, ["steps", step.index, "checks", i, "assert"], visible);
        });
      if (step.kind === "map") {
        const [root, name, ...rest] = step.over.split(".");
        const overAt = ["steps", step.index, "over"];
        if (root === "inputs") {
          const input = name ? workflow.inputs[name] : undefined;
          if (!input)
            issues.push(
              at(
                overAt,
                codes.unresolvedVariable,
                `map over '${step.over}': the workflow has no input '${name ?? ""}' (inputs: ${Object.keys(workflow.inputs).join(", ") || "none"})`,
              ),
            );
          else if (input.type !== "list" || rest.length > 0)
            issues.push(
              at(
                overAt,
                codes.mapOverNonArray,
                input.type !== "list"
                  ? `map over '${step.over}': input '${name}' is a ${input.type}; a map goes over an input declared with type: list`
                  : `map over '${step.over}': a map goes over a list input itself (inputs.${name})`,
              ),
            );
        } else if (root !== "documents")
          issues.push(
            at(
              overAt,
              codes.mapOverNonArray,
              `map over '${step.over}': must be an array field of a consumed document (e.g. documents.backlog.items) or a list input (e.g. inputs.items)`,
            ),
          );
        else {
          const problem = unresolved(step.over, step, workflow, new Set(step.inputs));
          if (problem)
            issues.push(
              at(
                ["steps", step.index, "over"],
                codes.unresolvedVariable,
                `map over '${step.over}': ${problem}`,
              ),
            );
        }
      }
      if (step.kind === "workflow")
        for (const [name, template] of Object.entries(step.with)) {
          for (const variable of parseTemplate(template).variables) {
            const problem = unresolved(variable.path, step, workflow, new Set(step.inputs));
            if (problem)
              issues.push(
                at(
                  ["steps", step.index, "with", name],
                  codes.unresolvedVariable,
                  `{{${variable.path}}}: ${problem}`,
                ),
              );
          }
        }
    }
    return issues;
  },
};
