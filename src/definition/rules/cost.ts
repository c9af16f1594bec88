/**
 * Cost settings the schema alone cannot check: a document's context policy must be complete and
 * consistent (its summarising models known, local for sensitive documents), and a
 * `downgrade` budget needs a cheaper model to go to. (A budget on a step that calls no model is not
 * flagged: `defaults.budget` gives every step one, so the warning would be noise.)
 */
import type { Issue, Step } from "../../spec/index.js";
import { codes } from "../codes.js";
import { checkModelRef } from "./models.js";
import type { Rule } from "./rule.js";

export const contextPolicies: Rule = {
  name: "context-policies",
  check({ workflow, at, catalog }) {
    return Object.values(workflow.documents).flatMap((document): Issue[] => {
      const context = document.context;
      if (!context) return [];
      const path = ["documents", document.id, "context"];
      const invalid = (where: readonly (string | number)[], message: string): Issue[] => [
        at(where, codes.invalidContextPolicy, `document '${document.id}' ${message}`),
      ];
      if (context.policy === "truncate" && context.maxTokens === undefined)
        return invalid(path, "has context policy 'truncate' but no maxTokens: add e.g. maxTokens: 4000");
      if (context.policy === "full" && context.maxTokens !== undefined)
        return invalid(
          [...path, "maxTokens"],
          "has maxTokens with context policy 'full', which never cuts: use policy: truncate or drop maxTokens",
        );
      if (context.policy === "summarise" && context.maxTokens !== undefined)
        return invalid(
          [...path, "maxTokens"],
          "has maxTokens with context policy 'summarise', whose summaries are sized to fit the model's window: drop maxTokens, or use policy: truncate to cut to a fixed size",
        );
      if (context.policy !== "summarise" && context.summariseWith !== undefined)
        return invalid(
          [...path, "summariseWith"],
          `has summariseWith with context policy '${context.policy}', which never summarises: use policy: summarise or drop summariseWith`,
        );
      return (context.summariseWith ?? []).flatMap((ref, i) => {
        const where = [...path, "summariseWith", i];
        const problem = checkModelRef(ref, catalog);
        if (problem)
          return [
            at(
              where,
              problem.startsWith("unknown provider") ? codes.unknownProvider : codes.unknownModel,
              problem,
            ),
          ];
        const local = catalog.providers[ref.slice(0, ref.indexOf("/"))]?.local === true;
        if (document.sensitive && !local)
          return invalid(
            where,
            `is sensitive but would be summarised by hosted model '${ref}': list a local model in summariseWith`,
          );
        return [];
      });
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
            `step '${step.id}' downgrades on its budget but lists no cheaper priced model to go to, so a downgrade can only take one from the catalog; list a cheaper model after '${models[0]}' to choose it yourself, or use onExceed: stop`,
            "warning",
          ),
        ];
      return [];
    });
  },
};
