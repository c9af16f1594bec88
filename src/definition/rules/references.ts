/** Names that must exist: documents, roles, steps named by needs/remediate/routes; unique step ids. */
import type { Issue, Step } from "../../spec/index.js";
import { codes } from "../codes.js";
import { didYouMean } from "../suggest.js";
import type { Rule, RuleContext } from "./rule.js";

export const duplicateStepIds: Rule = {
  name: "duplicate-step-ids",
  check({ workflow, at }) {
    const first = new Map<string, number>();
    const issues: Issue[] = [];
    for (const step of workflow.steps) {
      const previous = first.get(step.id);
      if (previous === undefined) first.set(step.id, step.index);
      else
        issues.push(
          at(
            ["steps", step.index, "id"],
            codes.duplicateId,
            `step id '${step.id}' is already used by steps[${previous}]`,
          ),
        );
    }
    return issues;
  },
};

export const knownDocuments: Rule = {
  name: "known-documents",
  check({ workflow, at }) {
    const known = Object.keys(workflow.documents);
    const issues: Issue[] = [];
    for (const step of workflow.steps)
      for (const field of ["inputs", "outputs"] as const)
        step[field].forEach((id, i) => {
          if (!workflow.documents[id])
            issues.push(
              at(
                ["steps", step.index, field, i],
                codes.unknownDocument,
                `unknown document '${id}'${didYouMean(id, known)} (declare it under documents:)`,
              ),
            );
        });
    return issues;
  },
};

export const knownRoles: Rule = {
  name: "known-roles",
  check({ workflow, at }) {
    const known = Object.keys(workflow.roles);
    return workflow.steps.flatMap((step) =>
      "role" in step && step.role !== undefined && !workflow.roles[step.role]
        ? [
            at(
              ["steps", step.index, "role"],
              codes.unknownRole,
              `unknown role '${step.role}'${didYouMean(step.role, known)}`,
            ),
          ]
        : [],
    );
  },
};

/** Every field that names other steps, with its path. */
export function stepReferences(step: Step): Array<{ path: (string | number)[]; id: string }> {
  const refs: Array<{ path: (string | number)[]; id: string }> = [];
  const add = (ids: readonly string[], ...path: (string | number)[]) =>
    ids.forEach((id, i) => {
      refs.push({ path: ["steps", step.index, ...path, i], id });
    });
  add(step.needs, "needs");
  if (step.kind === "gate") add(step.remediate, "remediate");
  if (step.kind === "approval" && step.onReject !== "fail")
    add(step.onReject.remediate, "onReject", "remediate");
  if (step.kind === "arbiter")
    for (const [route, spec] of Object.entries(step.routes)) add(spec.steps, "routes", route, "steps");
  return refs;
}

export const knownSteps: Rule = {
  name: "known-steps",
  check({ workflow, at }: RuleContext) {
    const ids = workflow.steps.map((s) => s.id);
    const known = new Set(ids);
    const issues: Issue[] = [];
    for (const step of workflow.steps)
      for (const ref of stepReferences(step)) {
        if (!known.has(ref.id))
          issues.push(at(ref.path, codes.unknownStep, `unknown step '${ref.id}'${didYouMean(ref.id, ids)}`));
        else if (ref.id === step.id)
          issues.push(at(ref.path, codes.unknownStep, `step '${step.id}' cannot name itself here`));
      }
    return issues;
  },
};
