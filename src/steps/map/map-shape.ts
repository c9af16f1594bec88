/**
 * What a map step's output document looks like, read from the document's JSON Schema, and how
 * per-item results are assembled into it. Kept deliberately simple:
 *
 * - schema `type: array`: the document is the array of item results; each item is asked for, and
 *   validated against, `schema.items` (any JSON when `items` is absent);
 * - schema `type: object`: the results fill one array property, `items` when the schema declares it
 *   as an array, else the first array property; if the schema also declares an `errors` property,
 *   it receives `{ index, error }` for each failed item under `onItemError: collect` (empty
 *   otherwise). Other properties are not filled, so the schema must not require them;
 * - no schema: each item's answer is text; the document is the texts separated by a blank line
 *   (markdown, text) or a JSON array of the texts (json).
 */
import type { DocumentType } from "../../spec/index.js";

export type MapShape =
  | { kind: "array"; itemSchema: Record<string, unknown> }
  | { kind: "object"; property: string; itemSchema: Record<string, unknown>; hasErrors: boolean }
  | { kind: "text"; json: boolean };

type SchemaObject = Record<string, unknown>;

const isArraySchema = (schema: unknown): boolean => {
  if (schema === null || typeof schema !== "object") return false;
  const type = (schema as SchemaObject).type;
  return type === "array" || (Array.isArray(type) && type.includes("array"));
};

const itemsOf = (schema: SchemaObject): SchemaObject =>
  schema.items !== null && typeof schema.items === "object" ? (schema.items as SchemaObject) : {};

/** The shape, or why the document cannot hold map results. */
export function mapShape(document: DocumentType | undefined): MapShape | { problem: string } {
  const schema = document?.schema;
  if (!schema) return { kind: "text", json: document?.format === "json" };
  if (isArraySchema(schema)) return { kind: "array", itemSchema: itemsOf(schema) };
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  const property = isArraySchema(properties.items)
    ? "items"
    : Object.keys(properties).find((key) => isArraySchema(properties[key]));
  if (property === undefined)
    return {
      problem: `document '${document?.id}' cannot hold map results: its schema is neither an array nor an object with an array property`,
    };
  return {
    kind: "object",
    property,
    itemSchema: itemsOf(properties[property] as SchemaObject),
    hasErrors: property !== "errors" && isArraySchema(properties.errors),
  };
}

export interface ItemResult {
  index: number;
  text: string;
  value: unknown;
}

/** The document text from the results (in item order) and the collected item errors. */
export function assemble(
  shape: MapShape,
  results: readonly ItemResult[],
  errors: ReadonlyArray<{ index: number; error: string }>,
): string {
  switch (shape.kind) {
    case "array":
      return JSON.stringify(
        results.map((r) => r.value),
        null,
        2,
      );
    case "object":
      return JSON.stringify(
        {
          [shape.property]: results.map((r) => r.value),
          ...(shape.hasErrors ? { errors: errors.map((e) => ({ index: e.index, error: e.error })) } : {}),
        },
        null,
        2,
      );
    case "text":
      return shape.json
        ? JSON.stringify(
            results.map((r) => r.text),
            null,
            2,
          )
        : results.map((r) => r.text).join("\n\n");
  }
}
