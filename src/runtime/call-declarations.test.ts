import { describe, expect, it } from "vitest";
import type { ModelRequest } from "../spec/index.js";
import { CallDeclarations } from "./call-declarations.js";

const request = (i: number): ModelRequest => ({ models: ["m"], prompt: `item ${i}` });

function harness(answered: ReadonlySet<string> = new Set()) {
  const declared: string[][] = [];
  const requests = Array.from({ length: 10 }, (_, i) => request(i));
  const declarations = new CallDeclarations(
    (call, r) => `${call}:${r.prompt}`,
    async (keys) => {
      declared.push(keys);
    },
    (key) => answered.has(key),
  );
  declarations.announce(3, requests.length, (i) => requests[i]!, 4);
  return { declarations, declared, requests };
}

describe("CallDeclarations", () => {
  it("declares a window ahead, then the next one once a call is within half a window of its end", () => {
    const { declarations, declared, requests } = harness();
    const key = (call: number) => declarations.keyFor(call, requests[call - 3]!)!;
    expect(declarations.declaration(3, key(3))).toBeInstanceOf(Promise);
    expect(declared).toEqual([["3:item 0", "4:item 1", "5:item 2", "6:item 3"]]);
    declarations.declaration(4, key(4));
    expect(declared).toHaveLength(1);
    declarations.declaration(5, key(5));
    expect(declared[1]).toEqual(["7:item 4", "8:item 5", "9:item 6", "10:item 7"]);
    for (let call = 6; call <= 12; call++) expect(declarations.declaration(call, key(call))).toBeDefined();
    expect(declared.flat()).toHaveLength(10);
  });

  it("covers only the very request announced at a position, and leaves out calls already answered", () => {
    const { declarations, declared, requests } = harness(new Set(["4:item 1"]));
    expect(declarations.keyFor(3, { ...requests[0]! })).toBeUndefined();
    expect(declarations.keyFor(2, requests[0]!)).toBeUndefined();
    expect(declarations.declaration(3, "3:something else")).toBeUndefined();
    expect(declared).toEqual([]);
    declarations.declaration(3, declarations.keyFor(3, requests[0]!)!);
    expect(declared).toEqual([["3:item 0", "5:item 2", "6:item 3"]]);
    expect(declarations.declaration(13, "13:item 10")).toBeUndefined();
  });
});
