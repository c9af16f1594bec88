/**
 * A validation rule: one named check over the normalized workflow, returning every issue it finds.
 * Rules never throw and never depend on each other's order.
 */
import type { Issue, ModelCatalog, Workflow } from "../../spec/index.js";
import type { FileSystem } from "../file-system.js";
import type { PathSegment } from "../json-path.js";
import type { Origins } from "../normalize.js";
import type { SourceFile } from "../source.js";

export interface RuleContext {
  workflow: Workflow;
  source: SourceFile;
  origins: Origins;
  catalog: ModelCatalog;
  /** Tool names declared in config (beside the workflow's own `tools:`). */
  configTools: readonly string[];
  fs: FileSystem;
  /** Report an issue at a path of the main workflow file. */
  at(path: readonly PathSegment[], code: string, message: string, severity?: "error" | "warning"): Issue;
}

export interface Rule {
  /** kebab-case, unique; shown in docs/validation.md. */
  name: string;
  check(context: RuleContext): Issue[];
}
