/**
 * Both ways through `parseSource` point a path at the same place: the fast path (js-yaml, the
 * YAML tree built only when an issue is located) and the precise one (`yaml` from the start).
 */
import { describe, expect, it } from "vitest";
import type { PathSegment } from "./json-path.js";
import { parseSource } from "./source.js";
import { validYaml } from "./test-helpers.js";

describe("parseSource", () => {
  it("locates paths on the fast path exactly as on the precise one", () => {
    // An anchor on a last, extra line sends the same text down the precise path.
    const fast = parseSource("w/workflow.yaml", validYaml);
    const precise = parseSource("w/workflow.yaml", `${validYaml}extra: &anchor 1\n`);
    expect(fast.issues).toEqual([]);
    expect(precise.issues).toEqual([]);
    expect(precise.source.value).toEqual({ ...(fast.source.value as object), extra: 1 });
    const paths: PathSegment[][] = [
      ["name"],
      ["inputs", "topic", "type"],
      ["documents", "doc-a", "schema"],
      ["defaults", "models", 0],
      ["steps", 1],
      ["steps", 1, "inputs", 0],
      ["steps", 1, "kind"],
      ["steps", 1, "nothing-here"],
      ["steps", 7],
    ];
    for (const path of paths)
      for (const part of ["value", "key"] as const)
        expect(fast.source.locate(path, part), `${path.join(".")} ${part}`).toEqual(
          precise.source.locate(path, part),
        );
    expect(fast.source.locate(["steps", 1, "inputs", 0])).toEqual({
      start: { line: 18, column: 14 },
      end: { line: 18, column: 19 },
    });
  });

  it("reports syntax errors and duplicate keys with yaml's messages and positions", () => {
    const broken = parseSource("w/workflow.yaml", "quorum: 1\nname: [x\n");
    expect(broken.source.value).toBeUndefined();
    expect(broken.issues.map((issue) => [issue.code, issue.start])).toEqual([
      ["QW001", { line: 3, column: 1 }],
    ]);
    const twice = parseSource("w/workflow.yaml", "quorum: 1\nname: x\nname: y\n");
    expect(twice.issues).toEqual([
      {
        code: "QW010",
        severity: "error",
        file: "w/workflow.yaml",
        path: "",
        message: "'name' is declared twice in the same mapping: each id may be declared only once",
        start: { line: 3, column: 1 },
        end: { line: 3, column: 5 },
      },
    ]);
  });
});
