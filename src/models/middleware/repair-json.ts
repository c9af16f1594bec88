/**
 * Structured-output repair: when a schema was asked for and the answer is not valid JSON (a missing
 * brace, a trailing comma, single quotes, a code fence, a truncated tail), `jsonrepair` mends the
 * syntax so the step's validation sees a document instead of a parse error. Only syntax: a repair
 * that yields no object or array is discarded, and whether the document satisfies the schema (and
 * the bounded re-ask with the validation errors) stays with the step (`src/steps/model`).
 */
import { jsonrepair } from "jsonrepair";
import type { AttemptMiddleware } from "./contract.js";

/** The repaired JSON text, or undefined when `text` is already valid or cannot be mended into a document. */
export function repairJsonText(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    // Not valid JSON: try to mend it.
  }
  try {
    const repaired = jsonrepair(text);
    const value: unknown = JSON.parse(repaired);
    return typeof value === "object" && value !== null ? repaired : undefined;
  } catch {
    return undefined;
  }
}

export const repairJsonMiddleware: AttemptMiddleware = async (call, next) => {
  const result = await next(call);
  if (!call.request.schema) return result;
  const repaired = repairJsonText(result.text);
  return repaired === undefined ? result : { ...result, text: repaired };
};
