/**
 * The smallest plausible JSON document satisfying a JSON Schema: required properties only, arrays
 * at `minItems`, the first `enum`/`const`, strings in their `format`, numbers inside their bounds.
 * The fake provider answers structured-output requests with it, and `quorum run --dry-run` uses it
 * as its stub model, so a whole workflow can be exercised with schema-valid documents and no model.
 * Pure and deterministic: the same schema always gives the same document.
 */
import { exampleFromPattern } from "./example-from-pattern.js";

export type JsonSchema = boolean | { [keyword: string]: unknown };
type SchemaObject = { [keyword: string]: unknown };

/** Thrown when no finite document can satisfy the schema (`false`, or required infinite nesting). */
export class UnsatisfiableSchemaError extends Error {
  override name = "UnsatisfiableSchemaError";
}

const maxDepth = 64;

const formatSamples: Record<string, string> = {
  "date-time": "2024-01-01T00:00:00Z",
  date: "2024-01-01",
  time: "00:00:00Z",
  duration: "P1D",
  email: "user@example.com",
  "idn-email": "user@example.com",
  hostname: "example.com",
  "idn-hostname": "example.com",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  uri: "https://example.com/",
  "uri-reference": "https://example.com/",
  iri: "https://example.com/",
  "iri-reference": "https://example.com/",
  url: "https://example.com/",
  uuid: "00000000-0000-4000-8000-000000000000",
  "json-pointer": "/",
  "relative-json-pointer": "0",
  regex: ".*",
  byte: "AA==",
};

const asObject = (schema: JsonSchema): SchemaObject =>
  typeof schema === "object" && schema !== null ? schema : {};

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  if (!ref.startsWith("#")) throw new UnsatisfiableSchemaError(`only local $ref is supported, got '${ref}'`);
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").filter(Boolean)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    node = (node as SchemaObject | undefined)?.[key];
  }
  if (node === undefined) throw new UnsatisfiableSchemaError(`$ref '${ref}' does not resolve`);
  return node as JsonSchema;
}

/** Folds `$ref`, `allOf` and the first `anyOf`/`oneOf` branch into one flat schema object. */
function flatten(root: JsonSchema, schema: JsonSchema, depth: number): SchemaObject {
  if (schema === false) throw new UnsatisfiableSchemaError("schema 'false' accepts nothing");
  if (depth > maxDepth) throw new UnsatisfiableSchemaError("schema requires infinitely nested values");
  let flat: SchemaObject = { ...asObject(schema) };
  if (typeof flat.$ref === "string") {
    const { $ref, ...rest } = flat;
    flat = { ...flatten(root, resolveRef(root, $ref as string), depth + 1), ...rest };
  }
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const branches = flat[keyword];
    if (Array.isArray(branches) && branches.length > 0) {
      delete flat[keyword];
      flat = merge(flat, flatten(root, pickBranch(branches as JsonSchema[]), depth + 1));
    }
  }
  if (Array.isArray(flat.allOf)) {
    const parts = flat.allOf as JsonSchema[];
    delete flat.allOf;
    for (const part of parts) flat = merge(flat, flatten(root, part, depth + 1));
  }
  return flat;
}

/** Prefers a branch that is not just `null`, so optional-by-union fields still get content. */
function pickBranch(branches: JsonSchema[]): JsonSchema {
  return branches.find((b) => asObject(b).type !== "null") ?? branches[0]!;
}

function merge(a: SchemaObject, b: SchemaObject): SchemaObject {
  const merged: SchemaObject = { ...a, ...b };
  if (a.properties || b.properties)
    merged.properties = { ...(a.properties as object | undefined), ...(b.properties as object | undefined) };
  if (a.required || b.required)
    merged.required = [
      ...new Set([...((a.required as string[]) ?? []), ...((b.required as string[]) ?? [])]),
    ];
  for (const key of ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"])
    if (typeof a[key] === "number" && typeof b[key] === "number") merged[key] = Math.max(a[key], b[key]);
  for (const key of ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"])
    if (typeof a[key] === "number" && typeof b[key] === "number") merged[key] = Math.min(a[key], b[key]);
  return merged;
}

function typeOf(schema: SchemaObject): string {
  const declared = Array.isArray(schema.type)
    ? ((schema.type as string[]).find((t) => t !== "null") ?? "null")
    : (schema.type as string | undefined);
  if (declared) return declared;
  if (schema.properties || schema.required || schema.additionalProperties !== undefined) return "object";
  if (schema.items || schema.prefixItems || schema.minItems !== undefined) return "array";
  if (schema.minLength !== undefined || schema.pattern || schema.format) return "string";
  if (schema.minimum !== undefined || schema.maximum !== undefined || schema.multipleOf !== undefined)
    return "number";
  return "any";
}

function exampleString(schema: SchemaObject, variant: number): string {
  const minLength = (schema.minLength as number | undefined) ?? 0;
  const maxLength = schema.maxLength as number | undefined;
  const fromPattern = typeof schema.pattern === "string" ? exampleFromPattern(schema.pattern) : undefined;
  if (fromPattern !== undefined) return fromPattern;
  let text = (typeof schema.format === "string" ? formatSamples[schema.format] : undefined) ?? "example";
  if (variant > 0 && !schema.format) text = `${text}${variant}`;
  if (text.length < minLength) text = text.padEnd(minLength, "x");
  if (maxLength !== undefined && text.length > maxLength)
    text =
      variant > 0 && maxLength > 0
        ? String.fromCharCode(97 + (variant % 26)).repeat(maxLength)
        : text.slice(0, maxLength);
  return text;
}

function exampleNumber(schema: SchemaObject, integer: boolean, variant: number): number {
  const step = (schema.multipleOf as number | undefined) ?? 1;
  let lower = schema.minimum as number | undefined;
  let upper = schema.maximum as number | undefined;
  // Draft 4 writes exclusivity as booleans beside minimum/maximum; later drafts as numbers.
  const exclusiveLow = schema.exclusiveMinimum === true || typeof schema.exclusiveMinimum === "number";
  const exclusiveHigh = schema.exclusiveMaximum === true || typeof schema.exclusiveMaximum === "number";
  if (typeof schema.exclusiveMinimum === "number")
    lower = Math.max(lower ?? -Infinity, schema.exclusiveMinimum);
  if (typeof schema.exclusiveMaximum === "number")
    upper = Math.min(upper ?? Infinity, schema.exclusiveMaximum);
  const nudge =
    integer || schema.multipleOf !== undefined
      ? step
      : upper !== undefined && lower !== undefined
        ? (upper - lower) / 2
        : 1;
  let value = lower !== undefined ? (exclusiveLow ? lower + nudge : lower) : 0;
  if (upper !== undefined && lower === undefined) value = Math.min(0, exclusiveHigh ? upper - nudge : upper);
  value += variant * (integer ? Math.max(1, step) : step);
  if (schema.multipleOf !== undefined) value = Math.ceil(value / step) * step;
  if (integer) value = Math.ceil(value);
  if (exclusiveLow && lower !== undefined && value <= lower) value = lower + (integer ? 1 : nudge);
  return value;
}

function exampleObject(root: JsonSchema, schema: SchemaObject, depth: number): Record<string, unknown> {
  const properties = (schema.properties as Record<string, JsonSchema> | undefined) ?? {};
  const keys = new Set((schema.required as string[] | undefined) ?? []);
  const minProperties = (schema.minProperties as number | undefined) ?? 0;
  for (const key of Object.keys(properties)) if (keys.size < minProperties) keys.add(key);
  const dependent = (schema.dependentRequired as Record<string, string[]> | undefined) ?? {};
  for (const key of [...keys]) for (const extra of dependent[key] ?? []) keys.add(extra);
  const result: Record<string, unknown> = {};
  for (const key of keys) result[key] = generate(root, properties[key] ?? true, depth + 1, 0);
  for (let i = 0; Object.keys(result).length < minProperties; i++) {
    const extra = asObject(schema.additionalProperties as JsonSchema);
    result[`property${i}`] = generate(root, extra, depth + 1, 0);
  }
  return result;
}

function exampleArray(root: JsonSchema, schema: SchemaObject, depth: number): unknown[] {
  const prefix =
    (schema.prefixItems as JsonSchema[] | undefined) ??
    (Array.isArray(schema.items) ? (schema.items as JsonSchema[]) : []);
  const items = Array.isArray(schema.items)
    ? (schema.additionalItems as JsonSchema | undefined)
    : (schema.items as JsonSchema | undefined);
  const minItems = Math.max((schema.minItems as number | undefined) ?? 0, schema.contains ? 1 : 0);
  const result: unknown[] = [];
  for (let i = 0; i < minItems; i++) {
    const itemSchema =
      prefix[i] ?? (i === 0 && schema.contains ? (schema.contains as JsonSchema) : (items ?? true));
    result.push(generate(root, itemSchema, depth + 1, schema.uniqueItems ? i : 0));
  }
  return result;
}

function generate(root: JsonSchema, schema: JsonSchema, depth: number, variant: number): unknown {
  const flat = flatten(root, schema, depth);
  if ("const" in flat) return flat.const;
  if (Array.isArray(flat.enum) && flat.enum.length > 0) return flat.enum[variant % flat.enum.length];
  switch (typeOf(flat)) {
    case "object":
      return exampleObject(root, flat, depth);
    case "array":
      return exampleArray(root, flat, depth);
    case "string":
      return exampleString(flat, variant);
    case "integer":
      return exampleNumber(flat, true, variant);
    case "number":
      return exampleNumber(flat, false, variant);
    case "boolean":
      return variant % 2 === 1;
    case "null":
      return null;
    default:
      return variant === 0 ? null : variant;
  }
}

/** A minimal document valid against `schema` (local `$ref`s resolved against the schema itself). */
export function exampleFromSchema(schema: JsonSchema): unknown {
  return generate(schema, schema, 0, 0);
}
