/**
 * Load a workflow: parse -> shape -> normalize -> rules, returning the workflow (when there is no
 * error) and every issue found. Never throws on user error; an unexpected exception inside a
 * rule is reported as an internal error issue with how to report it, not as a crash.
 */
import { z } from "zod";
import type { Issue, ModelCatalog, Workflow, WorkflowFile } from "../spec/index.js";
import { hasErrors, WorkflowFile as WorkflowSchema } from "../spec/index.js";
import { codes } from "./codes.js";
import { type FileSystem, nodeFileSystem } from "./file-system.js";
import type { PathSegment } from "./json-path.js";
import { normalize } from "./normalize.js";
import { allRules } from "./rules/index.js";
import type { RuleContext } from "./rules/rule.js";
import { stepIssues, zodIssues } from "./shape.js";
import { issueAt, parseSource } from "./source.js";

export interface LoadOptions {
  fs?: FileSystem;
  /** Providers and models known to exist (built-in catalog plus config). */
  catalog?: ModelCatalog;
  /** Tools declared in quorum.config.yaml. */
  configTools?: readonly string[];
}

export interface LoadResult {
  /** Present only when there is no error-severity issue. */
  workflow?: Workflow;
  issues: Issue[];
}

const emptyCatalog: ModelCatalog = { providers: {}, models: {} };

/** Top level checked with steps left open, so each step is checked alone against its kind. */
const TopLevel = WorkflowSchema.extend({ steps: z.array(z.unknown()).min(1) });

export function loadWorkflow(file: string, options: LoadOptions = {}): LoadResult {
  const fs = options.fs ?? nodeFileSystem;
  const read = fs.readText(file);
  if ("error" in read)
    return {
      issues: [
        {
          code: codes.missingFile,
          severity: "error",
          file,
          path: "",
          message: `workflow file '${file}' ${read.error}`,
        },
      ],
    };
  return loadWorkflowText(file, read.text, options);
}

export function loadWorkflowText(file: string, text: string, options: LoadOptions = {}): LoadResult {
  try {
    return loadUnsafe(file, text, options);
  } catch (error) {
    return {
      issues: [
        {
          code: "QW999",
          severity: "error",
          file,
          path: "",
          message: `internal error while validating (a bug in quorum, not in your file): ${(error as Error).message}. Please report it with this file and 'quorum --version'.`,
        },
      ],
    };
  }
}

function loadUnsafe(file: string, text: string, options: LoadOptions): LoadResult {
  const fs = options.fs ?? nodeFileSystem;
  const parsed = parseSource(file, text);
  if (parsed.issues.length > 0) return { issues: parsed.issues };
  const source = parsed.source;
  const value = source.value;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      issues: [
        issueAt(
          source,
          [],
          codes.invalidValue,
          "a workflow file must be a mapping with quorum: 1, name and steps",
        ),
      ],
    };
  }
  const unknownFields: PathSegment[][] = [];
  const shape = zodIssues(source, TopLevel, value, [], unknownFields);
  const steps = (value as { steps?: unknown }).steps;
  if (Array.isArray(steps))
    steps.forEach((step, index) => {
      shape.push(...stepIssues(source, step, index, unknownFields));
    });
  // Unknown fields alone do not stop the semantic rules: they are dropped and the rest is checked,
  // so a typo in one field never hides the other problems of the file.
  if (shape.some((i) => i.code !== codes.unknownField)) return { issues: sortIssues(shape) };
  const checked = withoutFields(value, unknownFields) as WorkflowFile;

  const normalized = normalize(source, checked, fs);
  const context: RuleContext = {
    workflow: normalized.workflow,
    source,
    origins: normalized.origins,
    catalog: options.catalog ?? emptyCatalog,
    configTools: options.configTools ?? [],
    fs,
    at: (path, code, message, severity = "error") => issueAt(source, path, code, message, { severity }),
  };
  const issues = [...shape, ...normalized.issues];
  for (const rule of allRules) issues.push(...rule.check(context));
  const sorted = sortIssues(dedupe(issues));
  return hasErrors(sorted) ? { issues: sorted } : { workflow: normalized.workflow, issues: sorted };
}

/** `value` without the fields at `paths`: a copy when there are any (the file's own value stays whole). */
function withoutFields(value: unknown, paths: PathSegment[][]): unknown {
  if (paths.length === 0) return value;
  const copy = structuredClone(value);
  for (const path of paths) {
    let parent: unknown = copy;
    for (const segment of path.slice(0, -1)) parent = (parent as Record<string | number, unknown>)?.[segment];
    if (parent && typeof parent === "object")
      delete (parent as Record<string | number, unknown>)[path[path.length - 1]!];
  }
  return copy;
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.code}|${i.file}|${i.path}|${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function sortIssues(issues: Issue[]): Issue[] {
  return [...issues].sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.start?.line ?? 0) - (b.start?.line ?? 0) ||
      (a.start?.column ?? 0) - (b.start?.column ?? 0) ||
      a.code.localeCompare(b.code),
  );
}
