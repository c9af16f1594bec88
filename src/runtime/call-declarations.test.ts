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
  it("declares half a window at once, then each next window later in the turn, before it is reached", async () => {
    const { declarations, declared, requests } = harness();
    const key = (call: number) => declarations.keyFor(call, requests[call - 3]!)!;
    expect(declarations.declaration(3, key(3))).toBeInstanceOf(Promise);
    // The first calls wait for this one; the next window is not rendered between them.
    expect(declared).toEqual([["3:item 0", "4:item 1"]]);
    expect(declarations.declaration(4, key(4))).toBeInstanceOf(Promise);
    expect(declared).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(declared[1]).toEqual(["5:item 2", "6:item 3", "7:item 4", "8:item 5"]);
    // Call 7 is within half a window of the declared end (8): the rest is scheduled, not declared yet.
    for (let call = 5; call <= 7; call++) expect(declarations.declaration(call, key(call))).toBeDefined();
    expect(declared).toHaveLength(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(declared[2]).toEqual(["9:item 6", "10:item 7", "11:item 8", "12:item 9"]);
    for (let call = 8; call <= 12; call++) expect(declarations.declaration(call, key(call))).toBeDefined();
    expect(declared.flat()).toHaveLength(10);
  });

  it("declares at once a call reached before its scheduled window (nothing waits for the turn to end)", () => {
    const { declarations, declared, requests } = harness();
    const key = (call: number) => declarations.keyFor(call, requests[call - 3]!)!;
    for (let call = 3; call <= 6; call++) expect(declarations.declaration(call, key(call))).toBeDefined();
    expect(declared).toEqual([
      ["3:item 0", "4:item 1"],
      ["5:item 2", "6:item 3"],
    ]);
  });

  it("covers only the very request announced at a position, and leaves out calls already answered", () => {
    const { declarations, declared, requests } = harness(new Set(["4:item 1"]));
    expect(declarations.keyFor(3, { ...requests[0]! })).toBeUndefined();
    expect(declarations.keyFor(2, requests[0]!)).toBeUndefined();
    expect(declarations.declaration(3, "3:something else")).toBeUndefined();
    expect(declared).toEqual([]);
    declarations.declaration(3, declarations.keyFor(3, requests[0]!)!);
    expect(declared).toEqual([["3:item 0"]]);
    declarations.declaration(4, declarations.keyFor(4, requests[1]!)!);
    expect(declared).toEqual([["3:item 0"]]);
    expect(declarations.declaration(5, declarations.keyFor(5, requests[2]!)!)).toBeDefined();
    expect(declared).toEqual([["3:item 0"], ["5:item 2", "6:item 3"]]);
    expect(declarations.declaration(13, "13:item 10")).toBeUndefined();
  });

  it("declares nothing more once the announcement has ended, not even a window already scheduled", async () => {
    const { declarations, declared, requests } = harness();
    const end = declarations.announce(3, requests.length, (i) => requests[i]!, 4);
    declarations.declaration(3, declarations.keyFor(3, requests[0]!)!);
    expect(declared).toEqual([["3:item 0", "4:item 1"]]);
    end();
    await new Promise((resolve) => setImmediate(resolve));
    expect(declared).toHaveLength(1);
    expect(declarations.keyFor(5, requests[2]!)).toBeUndefined();
  });

  it("a request that cannot be keyed breaks no scheduled window: only its own call fails", async () => {
    const declared: string[][] = [];
    const requests = Array.from({ length: 6 }, (_, i) => request(i));
    const declarations = new CallDeclarations(
      (call, r) => {
        if (r.prompt === "item 3") throw new Error("cannot key item 3");
        return `${call}:${r.prompt}`;
      },
      async (keys) => {
        declared.push(keys);
      },
      () => false,
    );
    declarations.announce(1, requests.length, (i) => requests[i]!, 4);
    declarations.declaration(1, declarations.keyFor(1, requests[0]!)!);
    await new Promise((resolve) => setImmediate(resolve));
    // The scheduled window stops before item 3; item 3's own call fails; item 4 is declared on its own.
    expect(declared).toEqual([["1:item 0", "2:item 1"], ["3:item 2"]]);
    expect(() => declarations.keyFor(4, requests[3]!)).toThrow("cannot key item 3");
    declarations.declaration(5, declarations.keyFor(5, requests[4]!)!);
    expect(declared[2]).toEqual(["5:item 4", "6:item 5"]);
  });
});
