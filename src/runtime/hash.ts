/** Stable hashing of plain data: the same request always gets the same call key. */
import { createHash } from "node:crypto";

/**
 * JSON with object keys sorted, so key order never changes a hash. Keys whose value is `undefined`
 * are left out; anything else JSON cannot express becomes `null`. The output is part of every
 * recorded call key, so it must never change: `hash.test.ts` pins it against the reference form.
 * Written as one pass into a string (no intermediate entry arrays), since every model call hashes
 * its whole request, JSON Schema included.
 */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) {
    let out = "[";
    // A hole stays empty (`[,1]`), as `map` + `join` always wrote it.
    for (let i = 0; i < value.length; i++)
      out += (i === 0 ? "" : ",") + (i in value ? stableStringify(value[i]) : "");
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort(byCodeUnit);
  let out = "{";
  let first = true;
  for (const key of keys) {
    const item = record[key];
    if (item === undefined) continue;
    out += `${first ? "" : ","}${JSON.stringify(key)}:${stableStringify(item)}`;
    first = false;
  }
  return `${out}}`;
}

const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export const sha256 = (text: string | Uint8Array): string => createHash("sha256").update(text).digest("hex");
