/**
 * Whether a run's workflow file changed on disk since the run started. The run always continues with
 * the definition it was pinned to (prompts and schemas included); this only tells a person who edited
 * the file that their edit does not apply to it, and how to make it apply.
 */
import { existsSync } from "node:fs";
import { loadWorkflow } from "../../definition/index.js";
import type { Workflow } from "../../spec/index.js";
import type { ProjectContext } from "../context.js";

/** A one-line note when the files under `pinned.source` differ now; undefined when unchanged or unknown. */
export function driftNote(runId: string, pinned: Workflow, project: ProjectContext): string | undefined {
  const file = pinned.source.file;
  // Relative to where the run was started: from elsewhere there is nothing to compare.
  if (!existsSync(file)) return undefined;
  const now = loadWorkflow(file, { catalog: project.catalog, configTools: project.configTools }).workflow;
  // Compared as loaded (prompt texts and schemas included), not by the source hash, which also covers
  // the file names as given (a run started as `examples/x.yaml` and resumed elsewhere must not differ);
  // an edit that changes nothing the run uses (a comment, spacing) is not worth a note.
  if (now && sameDefinition(now, pinned)) return undefined;
  return (
    `note: ${file} (or a file it uses) changed since run ${runId} started${now ? "" : " and no longer validates"}; ` +
    `the run goes on with the definition it started with. To use the edited one, start a new run, or 'quorum fork ${runId} --from STEP'.`
  );
}

/** The definition without where its files were read from (`source`, `file`, `schemaFile`, …): paths differ by cwd. */
const withoutSource = (workflow: Workflow): string =>
  JSON.stringify(workflow, (key, value) => (key === "source" || /file$/i.test(key) ? undefined : value));
const sameDefinition = (a: Workflow, b: Workflow): boolean => withoutSource(a) === withoutSource(b);
