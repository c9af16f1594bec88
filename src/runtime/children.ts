/**
 * Pinning sub-workflows: when a run starts, every workflow its `workflow` steps call (and those
 * they call) is loaded and validated once, and stored inside the run's pinned definition. A child
 * run therefore executes the definition its parent started with, whatever happens to the files
 * later, and a broken child file stops the parent before anything runs.
 */
import { dirname, join } from "node:path";
import type { Workflow } from "../spec/index.js";
import { WorkflowNotRunnableError } from "./errors.js";

/** A pinned sub-workflow, with the sub-workflows it calls in turn, by calling step id. */
export interface PinnedChild {
  workflow: Workflow;
  children?: Record<string, PinnedChild>;
}

/** Loads one workflow file; `undefined` workflow with messages when it is invalid. */
export type WorkflowLoader = (file: string) => { workflow?: Workflow; problems: string[] };

/** The validator already refuses call cycles; this bound only guards a loader that does not. */
const maxDepth = 16;

export function pinChildren(
  workflow: Workflow,
  load: WorkflowLoader,
  depth = 0,
): Record<string, PinnedChild> | undefined {
  const calls = workflow.steps.filter((s) => s.kind === "workflow");
  if (calls.length === 0) return undefined;
  if (depth >= maxDepth)
    throw new WorkflowNotRunnableError(
      `sub-workflows of '${workflow.name}' nest deeper than ${maxDepth} levels`,
    );
  const children: Record<string, PinnedChild> = {};
  for (const step of calls) {
    const file = join(dirname(workflow.source.file), step.workflow);
    const loaded = load(file);
    if (!loaded.workflow)
      throw new WorkflowNotRunnableError(
        `step '${step.id}' of ${workflow.source.file} calls ${file}, which is not a valid workflow:\n${loaded.problems.join("\n")}\nfix it (quorum validate ${file}) and start the run again`,
      );
    const grandchildren = pinChildren(loaded.workflow, load, depth + 1);
    children[step.id] = { workflow: loaded.workflow, ...(grandchildren ? { children: grandchildren } : {}) };
  }
  return children;
}
