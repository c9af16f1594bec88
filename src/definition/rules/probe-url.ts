/**
 * A check step's probe URL may name run inputs (`url: "{{ inputs.health-url }}"`), so where to probe
 * can change per run (staging, production, a test server) without editing the workflow. Only
 * `inputs.*` is allowed: a URL built from model-written documents would let a model pick what the
 * machine fetches.
 */
import type { Issue } from "../../spec/index.js";
import { codes } from "../codes.js";
import { didYouMean } from "../suggest.js";
import { parseTemplate } from "../template.js";
import type { Rule } from "./rule.js";

export const probeUrlVariables: Rule = {
  name: "probe-url-variables",
  check({ workflow, at }) {
    const issues: Issue[] = [];
    for (const step of workflow.steps) {
      if (step.kind !== "check" || !step.probe?.url.includes("{{")) continue;
      const path = ["steps", step.index, "probe", "url"];
      const parsed = parseTemplate(step.probe.url);
      for (const error of parsed.errors) issues.push(at(path, codes.unresolvedVariable, error.message));
      for (const variable of parsed.variables) {
        const [root, name, ...rest] = variable.path.split(".");
        const problem =
          root !== "inputs" || name === undefined || rest.length > 0
            ? `only run inputs can be used in a probe url, like {{ inputs.health-url }}`
            : workflow.inputs[name]
              ? undefined
              : `unknown input '${name}'${didYouMean(name, Object.keys(workflow.inputs))} (declare it under inputs:)`;
        if (problem) issues.push(at(path, codes.unresolvedVariable, `{{${variable.path}}}: ${problem}`));
      }
    }
    return issues;
  },
};
