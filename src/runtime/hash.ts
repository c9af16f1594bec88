/** Stable hashing of plain data: the same request always gets the same call key. */
import * as crypto from "node:crypto";

/**
 * JSON with object keys sorted, so key order never changes a hash. Keys whose value is `undefined`
 * are left out; anything else JSON cannot express becomes `null`. The output is part of every
 * recorded call key, so it must never change: `hash.test.ts` pins it against the reference form.
 * Written as one pass into a string (no intermediate entry arrays), since every model call hashes
 * its whole request, JSON Schema included.
 */
export function stableStringify(value: unknown): string {
  switch (typeof value) {
    case "string":
      return plainString.test(value) ? `"${value}"` : JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "object":
      if (value === null) return "null";
      break;
    default:
      return JSON.stringify(value) ?? "null";
  }
  if (Array.isArray(value)) {
    let out = "[";
    // A hole stays empty (`[,1]`), as `map` + `join` always wrote it.
    for (let i = 0; i < value.length; i++)
      out += (i === 0 ? "" : ",") + (i in value ? stableStringify(value[i]) : "");
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  // Most objects are built with their keys already in order: checking is cheaper than sorting.
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort(byCodeUnit);
      break;
    }
  }
  let out = "{";
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${first ? "" : ","}${quoted(key)}:${stableStringify(item)}`;
    first = false;
  }
  return `${out}}`;
}

/** A string JSON writes as is between quotes: no quote, backslash, control character or surrogate. */
const plainString = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** JSON-quoted keys, remembered: requests repeat the same few keys on every call. Bounded. */
const quotedKeys = new Map<string, string>();
function quoted(key: string): string {
  let text = quotedKeys.get(key);
  if (text === undefined) {
    text = JSON.stringify(key);
    if (quotedKeys.size >= 4096) quotedKeys.clear();
    quotedKeys.set(key, text);
  }
  return text;
}

/** One-shot `crypto.hash` (Node ≥ 20.12) where present: about twice as fast as a Hash object on short input. */
const oneShot = (
  crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: "hex") => string }
).hash;

export const sha256 = (text: string | Uint8Array): string =>
  oneShot ? oneShot("sha256", text, "hex") : crypto.createHash("sha256").update(text).digest("hex");

/**
 * The key of a step's model call: the sha256 of `stableStringify({ step, round, attempt, call, request })`,
 * written without building that object (its keys are out of order, so every call sorted them) and with
 * the step's part made once per step. Byte-identical to the object form (`hash.test.ts`): recorded keys
 * never change.
 */
export function callKeyHasher(
  stepId: string,
  round: number,
  attempt: number,
): (call: number, request: unknown) => string {
  const head = `{"attempt":${stableStringify(attempt)},"call":`;
  const tail = `,"round":${stableStringify(round)},"step":${stableStringify(stepId)}}`;
  return (call, request) =>
    sha256(`${head}${stableStringify(call)},"request":${stableStringify(request)}${tail}`);
}
