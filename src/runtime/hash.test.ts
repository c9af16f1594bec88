import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { callKeyHasher, sha256, stableStringify } from "./hash.js";

/** The original form every recorded call key was made with: the fast one must match it exactly. */
function reference(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(reference).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${reference(v)}`).join(",")}}`;
}

describe("stableStringify", () => {
  it("is byte-identical to the reference form on arbitrary values (call keys never change)", () => {
    fc.assert(
      fc.property(
        fc.anything({ withNullPrototype: true, withObjectString: true, withSparseArray: true }),
        (value) => {
          expect(stableStringify(value)).toBe(reference(value));
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("sorts keys, drops undefined values, and writes null for what JSON cannot express", () => {
    expect(stableStringify({ b: 1, a: [undefined, () => 1], c: undefined })).toBe('{"a":[null,null],"b":1}');
    expect(stableStringify({ é: 1, z: 2, A: 3 })).toBe('{"A":3,"z":2,"é":1}');
  });
});

describe("callKeyHasher", () => {
  it("hashes exactly what the object form { step, round, attempt, call, request } hashes", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.anything({ withNullPrototype: true, withSparseArray: true }),
        (step, round, attempt, call, request) => {
          fc.pre(request !== undefined);
          expect(callKeyHasher(step, round, attempt)(call, request)).toBe(
            sha256(reference({ step, round, attempt, call, request })),
          );
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
