/** Tools named by agents and roles exist; agent steps have tools. */
import type { Issue } from "../../spec/index.js";
import { codes } from "../codes.js";
import { didYouMean } from "../suggest.js";
import type { Rule, RuleContext } from "./rule.js";

/** A tool reference is a declared tool id, or `id.name` where the declaration lists `name` (or lists nothing). */
function toolProblem(name: string, context: RuleContext): string | undefined {
  const declared = { ...context.workflow.tools };
  const known = new Set([...Object.keys(declared), ...context.configTools]);
  if (known.has(name)) return undefined;
  const dot = name.indexOf(".");
  if (dot > 0) {
    const server = name.slice(0, dot);
    const tool = name.slice(dot + 1);
    if (context.configTools.includes(server)) return undefined;
    const spec = declared[server];
    if (spec) {
      const listed = spec.mcp?.tools;
      if (!listed || listed.includes(tool)) return undefined;
      return `tool '${tool}' is not among the tools of '${server}'${didYouMean(tool, listed)}`;
    }
  }
  return `unknown tool '${name}'${didYouMean(name, known)} (declare it under tools:)`;
}

export const knownTools: Rule = {
  name: "known-tools",
  check(context) {
    const { workflow, at, origins, source } = context;
    const issues: Issue[] = [];
    for (const step of workflow.steps) {
      if (step.kind !== "agent") continue;
      const written = (source.value as { steps: Array<{ tools?: string[] }> }).steps[step.index]?.tools;
      if (!written) continue;
      written.forEach((name, i) => {
        const problem = toolProblem(name, context);
        if (problem) issues.push(at(["steps", step.index, "tools", i], codes.unknownTool, problem));
      });
    }
    for (const role of Object.values(workflow.roles)) {
      const origin = origins.roles[role.id];
      role.tools.forEach((name, i) => {
        const problem = toolProblem(name, context);
        if (!problem) return;
        issues.push(
          origin?.source === source
            ? at([...origin.path, "tools", i], codes.unknownTool, problem)
            : at(origin?.path ?? [], codes.unknownTool, `role '${role.id}': ${problem}`),
        );
      });
    }
    return issues;
  },
};

export const agentHasTools: Rule = {
  name: "agent-has-tools",
  check({ workflow, at }) {
    return workflow.steps
      .filter((step) => step.kind === "agent" && step.tools.length === 0)
      .map((step) =>
        at(
          ["steps", step.index],
          codes.agentWithoutTools,
          `agent step '${step.id}' has no tools; give it tools: (or its role tools:), or make it a model step`,
        ),
      );
  },
};
