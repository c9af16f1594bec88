/**
 * The deterministic checks of a gate: schema, required sections, length, assertions and regular
 * expressions. Each returns findings (empty when it passes) that remediation prompts receive.
 */
import { compileSchema, evaluateExpression, formatSchemaErrors, truthy } from "../../definition/index.js";
import type { GateCheckSpec, Workflow } from "../../spec/index.js";
import { lookupPath } from "../lookup.js";

export interface CheckedDocument {
  id: string;
  content: string;
  /** Parsed JSON, or the text. */
  value: unknown;
  /** The model that wrote it (lineage): a judge prefers any other. */
  model?: string;
}

export function runCheck(
  check: Exclude<GateCheckSpec, { type: "judge" }>,
  documents: CheckedDocument[],
  workflow: Workflow,
  variables: Record<string, unknown>,
): string[] {
  switch (check.type) {
    case "schema":
      return documents.flatMap((d) => {
        const schema = workflow.documents[d.id]?.schema;
        if (!schema) return [];
        const { validate } = compileSchema(schema);
        return validate && !validate(d.value) ? formatSchemaErrors(validate).map((e) => `${d.id}: ${e}`) : [];
      });
    case "required-sections":
      return documents.flatMap((d) =>
        check.sections
          .filter((section) => !hasSection(d, section))
          .map((section) => `${d.id}: missing section '${section}'`),
      );
    case "length":
      return documents.flatMap((d) => {
        const length = d.content.length;
        if (check.min !== undefined && length < check.min)
          return [`${d.id}: ${length} characters, at least ${check.min} required`];
        if (check.max !== undefined && length > check.max)
          return [`${d.id}: ${length} characters, at most ${check.max} allowed`];
        return [];
      });
    case "assert": {
      const result = evaluateExpression(check.expression, (path) => lookupPath(variables, path));
      if (result.error) return [`assert ${check.expression}: ${result.error}`];
      return truthy(result.value) ? [] : [`assertion failed: ${check.expression}`];
    }
    case "matches": {
      const pattern = new RegExp(check.pattern);
      return documents.flatMap((d) => {
        const value = check.path.startsWith("documents.")
          ? lookupPath(variables, check.path)
          : lookupPath(d.value, check.path);
        if (value === undefined) return [];
        return pattern.test(typeof value === "string" ? value : JSON.stringify(value))
          ? []
          : [`${d.id}: ${check.path} does not match /${check.pattern}/`];
      });
    }
  }
}

function hasSection(document: CheckedDocument, section: string): boolean {
  if (document.value && typeof document.value === "object") {
    const value = (document.value as Record<string, unknown>)[section];
    return value !== undefined && value !== null && value !== "";
  }
  const heading = new RegExp(`^#{1,6}\\s*${section.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`, "im");
  return heading.test(document.content);
}
