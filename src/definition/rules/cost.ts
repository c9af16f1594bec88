/**
 * Cost settings the schema alone cannot check: a document's context policy must be complete, and a
 * `downgrade` budget needs a cheaper model to go to. (A budget on a step that calls no model is not
 * flagged: `defaults.budget` gives every step one, so the warning would be noise.)
 */
import type { Step } from "../../spec/index.js";
import { codes } from "../codes.js";
import type { Rule } from "./rule.js";

export const contextPolicies: Rule = {
  name: "context-policies",
  check({ workflow, at }) {
    return Object.values(workflow.documents).flatMap((document) => {
      const context = document.context;
      if (!context) return [];
      const path = ["documents", document.id, "context"];
      if (context.policy === "truncate" && context.maxTokens === undefined)
        return [
          at(
            path,
            codes.invalidContextPolicy,
            `document '${document.id}' has context policy 'truncate' but no maxTokens: add e.g. maxTokens: 4000`,
          ),
        ];
      if (context.policy === "full" && context.maxTokens !== undefined)
        return [
          at(
            [...path, "maxTokens"],
            codes.invalidContextPolicy,
            `document '${document.id}' has maxTokens with context policy 'full', which never cuts: use policy: truncate or drop maxTokens`,
          ),
        ];
      return [];
    });
  },
};

const modelsOf = (step: Step): readonly string[] => ("models" in step ? step.models : []);

export const effectiveBudgets: Rule = {
  name: "effective-budgets",
  check({ workflow, at, catalog }) {
    return workflow.steps.flatMap((step) => {
      const models = modelsOf(step);
      if (step.budgetUsd === undefined || models.length === 0) return [];
      const priced = models
        .map((m) => catalog.models[m]?.price?.outputPerMTokUsd)
        .filter((p) => p !== undefined);
      if (step.onBudgetExceed === "downgrade" && (models.length < 2 || new Set(priced).size < 2))
        return [
          at(
            ["steps", step.index, "budget", "onExceed"],
            codes.ineffectiveBudget,
            `step '${step.id}' downgrades on its budget but lists no cheaper priced model to go to; list a cheaper model after '${models[0]}' or use onExceed: stop`,
            "warning",
          ),
        ];
      return [];
    });
  },
};
