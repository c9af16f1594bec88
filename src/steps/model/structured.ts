/**
 * Turn a model's text into an accepted document: strip code fences, parse JSON, validate it
 * against the document's schema. Returns the errors to re-ask with when it does not fit.
 */
import { compileSchema, formatSchemaErrors } from "../../definition/index.js";

export function extractJson(text: string): string {
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n```/.exec(text);
  if (fenced) return fenced[1]!.trim();
  const trimmed = text.trim();
  const start = trimmed.search(/[[{]/);
  return start > 0 ? trimmed.slice(start) : trimmed;
}

export type Checked = { ok: true; text: string; value: unknown } | { ok: false; errors: string[] };

export function checkDocument(text: string, schema: Record<string, unknown> | undefined): Checked {
  if (!schema) return { ok: true, text, value: text };
  let value: unknown;
  const json = extractJson(text);
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, errors: [`the answer is not valid JSON: ${(error as Error).message}`] };
  }
  const { validate, error } = compileSchema(schema);
  if (!validate) return { ok: false, errors: [`the document schema cannot be compiled: ${error}`] };
  if (!validate(value)) return { ok: false, errors: formatSchemaErrors(validate) };
  return { ok: true, text: JSON.stringify(value, null, 2), value };
}
