/**
 * Check a parsed file against the language's Zod schema and turn Zod's issues into ours:
 * unknown fields with "did you mean", missing fields, wrong types, each located in the file.
 * Steps are checked one by one against their kind's schema, so an unknown kind or a typo in one
 * step never drowns the others in union noise.
 */
import type { z } from "zod";
import type { Issue } from "../spec/index.js";
import { stepKinds, stepSchemas } from "../spec/index.js";
import { codes } from "./codes.js";
import type { PathSegment } from "./json-path.js";
import { issueAt, type SourceFile } from "./source.js";
import { didYouMean } from "./suggest.js";

interface ZodDefLike {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  options?: z.ZodType[];
}
const defOf = (schema: z.ZodType): ZodDefLike =>
  (schema as unknown as { _zod: { def: ZodDefLike } })._zod.def;

/** Field names an object schema accepts at `path` (through arrays, records, optionals and unions). */
export function knownKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  const results = new Set<string>();
  const visit = (current: z.ZodType, rest: readonly PathSegment[]): void => {
    const def = defOf(current);
    switch (def.type) {
      case "optional":
      case "nullable":
      case "default":
      case "readonly":
        if (def.innerType) visit(def.innerType, rest);
        return;
      case "union":
        for (const option of def.options ?? []) visit(option, rest);
        return;
      case "object":
        if (rest.length === 0) {
          for (const key of Object.keys(def.shape ?? {})) results.add(key);
          return;
        }
        {
          const next = typeof rest[0] === "string" ? def.shape?.[rest[0]] : undefined;
          if (next) visit(next, rest.slice(1));
        }
        return;
      case "array":
        if (rest.length > 0 && def.element) visit(def.element, rest.slice(1));
        return;
      case "record":
        if (rest.length > 0 && def.valueType) visit(def.valueType, rest.slice(1));
        return;
      default:
        return;
    }
  };
  visit(schema, path);
  return [...results];
}

export function zodIssues(
  source: SourceFile,
  schema: z.ZodType,
  value: unknown,
  prefix: readonly PathSegment[] = [],
  unknownFields?: PathSegment[][],
): Issue[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  const issues: Issue[] = [];
  for (const zodIssue of result.error.issues) {
    const local = zodIssue.path.map((p) => (typeof p === "symbol" ? String(p) : p)) as PathSegment[];
    const path = [...prefix, ...local];
    if (zodIssue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, local);
      for (const key of zodIssue.keys) {
        unknownFields?.push([...path, key]);
        issues.push(
          issueAt(
            source,
            [...path, key],
            codes.unknownField,
            `unknown field '${key}'${didYouMean(key, known)}`,
            { part: "key" },
          ),
        );
      }
      continue;
    }
    if (zodIssue.code === "invalid_type" && valueAt(value, local) === undefined) {
      const field = path[path.length - 1];
      issues.push(
        issueAt(source, path, codes.missingField, `missing required field '${String(field)}'`, {
          part: "key",
        }),
      );
      continue;
    }
    issues.push(issueAt(source, path, codes.invalidValue, describe(zodIssue, valueAt(value, local))));
  }
  return issues;
}

function valueAt(value: unknown, path: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function describe(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code === "invalid_value" && issue.values.length > 0)
    return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  if (issue.code === "invalid_type") return `expected ${issue.expected}, got ${typeName(input)}`;
  if (issue.code === "invalid_format" && issue.message) return `must be ${issue.message}`;
  if (issue.code === "invalid_union") return "does not match any allowed form (see the workflow schema)";
  return issue.message.replace(/^Invalid input: /, "");
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)?.slice(0, 40)}`;
}

/** Check one step: its kind first, then the kind's schema. */
export function stepIssues(
  source: SourceFile,
  step: unknown,
  index: number,
  unknownFields?: PathSegment[][],
): Issue[] {
  const path: PathSegment[] = ["steps", index];
  if (typeof step !== "object" || step === null || Array.isArray(step))
    return [
      issueAt(
        source,
        path,
        codes.invalidValue,
        `a step must be a mapping with id and kind, got ${typeName(step)}`,
      ),
    ];
  const kind = (step as { kind?: unknown }).kind;
  if (kind === undefined)
    return [
      issueAt(source, path, codes.missingField, `step is missing 'kind' (one of ${stepKinds.join(", ")})`, {
        part: "value",
      }),
    ];
  if (typeof kind !== "string" || !(stepKinds as readonly string[]).includes(kind))
    return [
      issueAt(
        source,
        [...path, "kind"],
        codes.unknownStepKind,
        `unknown step kind '${String(kind)}'${didYouMean(String(kind), stepKinds)}`,
      ),
    ];
  return zodIssues(source, stepSchemas[kind as keyof typeof stepSchemas], step, path, unknownFields);
}
