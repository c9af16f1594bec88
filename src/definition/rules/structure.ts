/** Remediation targets are upstream; unreachable steps; kind-specific configuration; inputs. */
import type { Issue } from "../../spec/index.js";
import { codes } from "../codes.js";
import { ancestors, graphOf } from "../graph.js";
import type { Rule } from "./rule.js";

export const targetsUpstream: Rule = {
  name: "targets-upstream",
  check({ workflow, at }) {
    const graph = graphOf(workflow);
    const issues: Issue[] = [];
    for (const step of workflow.steps) {
      const targets =
        step.kind === "gate"
          ? { ids: step.remediate, path: ["remediate"] }
          : step.kind === "approval" && step.onReject !== "fail"
            ? { ids: step.onReject.remediate, path: ["onReject", "remediate"] }
            : undefined;
      if (!targets) continue;
      const upstream = ancestors(graph, step.id);
      targets.ids.forEach((id, i) => {
        if (graph.byId.has(id) && id !== step.id && !upstream.has(id))
          issues.push(
            at(
              ["steps", step.index, ...targets.path, i],
              codes.targetNotUpstream,
              `'${id}' is not upstream of '${step.id}'; a remediation target must produce something this step depends on`,
            ),
          );
      });
    }
    return issues;
  },
};

export const unreachableSteps: Rule = {
  name: "unreachable-steps",
  check({ workflow, at }) {
    const graph = graphOf(workflow);
    const never = new Set(workflow.steps.filter((s) => s.when?.trim() === "false").map((s) => s.id));
    const issues: Issue[] = [];
    for (const id of never) {
      const step = graph.byId.get(id)!;
      issues.push(
        at(
          ["steps", step.index, "when"],
          codes.unreachableStep,
          `step '${id}' never runs (when: false)`,
          "warning",
        ),
      );
    }
    // Propagate: a step that needs a step which never runs can never start.
    let changed = true;
    const blocked = new Set<string>();
    while (changed) {
      changed = false;
      for (const step of workflow.steps) {
        if (never.has(step.id) || blocked.has(step.id)) continue;
        const cause = (graph.dependencies.get(step.id) ?? []).find((d) => never.has(d) || blocked.has(d));
        if (cause) {
          blocked.add(step.id);
          changed = true;
          issues.push(
            at(
              ["steps", step.index, "id"],
              codes.unreachableStep,
              `step '${step.id}' can never run: it depends on '${cause}', which never runs`,
            ),
          );
        }
      }
    }
    return issues;
  },
};
