/**
 * Model references name a known provider and, for providers with a fixed model list, a known
 * model; sensitive content is never routed to a hosted model.
 */
import type { Issue, ModelCatalog, Step, Workflow } from "../../spec/index.js";
import { codes } from "../codes.js";
import type { PathSegment } from "../json-path.js";
import { didYouMean } from "../suggest.js";
import type { Rule, RuleContext } from "./rule.js";

const providerOf = (ref: string): string => ref.slice(0, ref.indexOf("/"));

/** Every explicit model reference of a step, with where it was written. */
function modelRefs(step: Step, workflow: Workflow): Array<{ ref: string; path: PathSegment[] }> {
  const refs: Array<{ ref: string; path: PathSegment[] }> = [];
  if ("models" in step)
    step.models.forEach((ref, i) => {
      refs.push({ ref, path: ["steps", step.index, "models", i] });
    });
  if (step.kind === "ensemble" && step.combine.judge)
    refs.push({ ref: step.combine.judge, path: ["steps", step.index, "combine", "judge"] });
  if (step.kind === "gate")
    step.checks.forEach((check, c) => {
      if (check.type === "judge")
        check.models.forEach((ref, i) => {
          refs.push({ ref, path: ["steps", step.index, "checks", c, "judge", "models", i] });
        });
    });
  // Models inherited from a role or defaults point at the step; the role/defaults are checked once below.
  void workflow;
  return refs;
}

export function checkModelRef(ref: string, catalog: ModelCatalog): string | undefined {
  const provider = providerOf(ref);
  const info = catalog.providers[provider];
  if (!info)
    return `unknown provider '${provider}' in '${ref}'${didYouMean(provider, Object.keys(catalog.providers))} (declare custom providers in quorum.config.yaml)`;
  if (info.openModelSet || catalog.models[ref]) return undefined;
  const sameProvider = Object.keys(catalog.models).filter((m) => m.startsWith(`${provider}/`));
  return `unknown model '${ref}'${didYouMean(ref, sameProvider)} (if it is new, declare it under models: in quorum.config.yaml)`;
}

export const knownModels: Rule = {
  name: "known-models",
  check({ workflow, catalog, at, origins, source }: RuleContext) {
    const issues: Issue[] = [];
    const report = (ref: string, located: (code: string, message: string) => Issue) => {
      const problem = checkModelRef(ref, catalog);
      if (problem)
        issues.push(
          located(
            problem.startsWith("unknown provider") ? codes.unknownProvider : codes.unknownModel,
            problem,
          ),
        );
    };
    for (const step of workflow.steps)
      for (const { ref, path } of modelRefs(step, workflow)) {
        // A step's `models` may be inherited from its role or defaults; those are reported there.
        const written = (source.value as { steps: Array<Record<string, unknown>> }).steps[step.index];
        if (path[2] === "models" && written?.models === undefined) continue;
        report(ref, (code, message) => at(path, code, message));
      }
    for (const role of Object.values(workflow.roles)) {
      const origin = origins.roles[role.id];
      role.models.forEach((ref, i) => {
        report(ref, (code, message) =>
          origin && origin.source === source
            ? at([...origin.path, "models", i], code, message)
            : at(origin?.path ?? [], code, `role '${role.id}': ${message}`),
        );
      });
    }
    const raw = source.value as { defaults?: { models?: string[] } };
    (raw.defaults?.models ?? []).forEach((ref, i) => {
      report(ref, (code, message) => at(["defaults", "models", i], code, message));
    });
    return dedupeByMessage(issues);
  },
};

function dedupeByMessage(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => !seen.has(i.path + i.message) && seen.add(i.path + i.message));
}

export const privacy: Rule = {
  name: "sensitive-content-stays-local",
  check({ workflow, catalog, at }) {
    const issues: Issue[] = [];
    for (const step of workflow.steps) {
      if (step.kind === "gate") {
        const sensitiveInput = step.inputs.find((d) => workflow.documents[d]?.sensitive);
        step.checks.forEach((check, i) => {
          if (check.type !== "judge" || !sensitiveInput) return;
          const hosted = check.models.filter((ref) => catalog.providers[providerOf(ref)]?.local === false);
          if (hosted.length > 0)
            issues.push(
              at(
                ["steps", step.index, "checks", i, "judge", "models"],
                codes.invalidStepConfig,
                `gate '${step.id}' would send sensitive document '${sensitiveInput}' to hosted judge ${hosted.map((h) => `'${h}'`).join(", ")}; use a local judge model`,
              ),
            );
        });
        continue;
      }
      if (!("models" in step)) continue;
      const sensitiveDocs = [...step.inputs, ...step.outputs].filter((d) => workflow.documents[d]?.sensitive);
      const sensitive = step.routing?.privacy === "sensitive" || sensitiveDocs.length > 0;
      if (!sensitive) continue;
      const refs = [
        ...step.models,
        ...(step.kind === "ensemble" && step.combine.judge ? [step.combine.judge] : []),
      ];
      const hosted = refs.filter((ref) => catalog.providers[providerOf(ref)]?.local === false);
      if (hosted.length === 0) continue;
      const why =
        sensitiveDocs.length > 0
          ? `it handles sensitive document '${sensitiveDocs[0]}'`
          : "its routing privacy is sensitive";
      issues.push(
        at(
          ["steps", step.index, "models"],
          codes.invalidStepConfig,
          `step '${step.id}' would send sensitive content to hosted model ${hosted.map((h) => `'${h}'`).join(", ")} because ${why}; use local models (ollama/…, local/…) or drop the sensitive marking`,
        ),
      );
    }
    return issues;
  },
};
