/** `workflow` steps name a file that exists and never lead back to the calling workflow. */
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import type { Issue } from "../../spec/index.js";
import { codes } from "../codes.js";
import type { FileSystem } from "../file-system.js";
import type { Rule } from "./rule.js";

const maxDepth = 16;

/** The workflow files a workflow file calls, read leniently (the child is validated on its own). */
function calledFiles(file: string, fs: FileSystem): string[] | undefined {
  const read = fs.readText(file);
  if ("error" in read) return undefined;
  try {
    const value = parse(read.text, { maxAliasCount: 100 }) as {
      steps?: Array<{ kind?: string; workflow?: unknown }>;
    };
    return (value?.steps ?? [])
      .filter((s) => s?.kind === "workflow" && typeof s.workflow === "string")
      .map((s) => join(dirname(file), s.workflow as string));
  } catch {
    return undefined;
  }
}

export const workflowCalls: Rule = {
  name: "workflow-calls",
  check({ workflow, at, fs }) {
    const issues: Issue[] = [];
    const self = resolve(workflow.source.file);
    for (const step of workflow.steps) {
      if (step.kind !== "workflow") continue;
      const where = ["steps", step.index, "workflow"];
      const target = join(dirname(workflow.source.file), step.workflow);
      if (resolve(target) === self) {
        issues.push(
          at(
            where,
            codes.workflowCallsItself,
            `step '${step.id}' calls the workflow it is in; that would never end`,
          ),
        );
        continue;
      }
      const children = calledFiles(target, fs);
      if (children === undefined) {
        const read = fs.readText(target);
        issues.push(
          at(
            where,
            codes.missingFile,
            `workflow file '${step.workflow}' ${"error" in read ? read.error : "cannot be parsed"}`,
          ),
        );
        continue;
      }
      // Breadth-first through the call graph, looking for a way back to this file.
      const seen = new Set([resolve(target)]);
      let frontier = [{ file: target, chain: [step.workflow] }];
      for (let depth = 0; depth < maxDepth && frontier.length > 0; depth++) {
        const next: typeof frontier = [];
        for (const { file, chain } of frontier)
          for (const child of calledFiles(file, fs) ?? []) {
            if (resolve(child) === self) {
              issues.push(
                at(
                  where,
                  codes.workflowCallsItself,
                  `calling '${step.workflow}' leads back here: ${[...chain, workflow.source.file].join(" → ")}`,
                ),
              );
              next.length = 0;
              break;
            }
            if (!seen.has(resolve(child))) {
              seen.add(resolve(child));
              next.push({ file: child, chain: [...chain, child] });
            }
          }
        frontier = next;
      }
    }
    return issues;
  },
};
