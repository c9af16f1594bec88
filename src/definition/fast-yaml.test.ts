/**
 * The fast path must give exactly what `yaml` gives, or decline. Each test compares both parsers:
 * whenever `parseFast` returns a value, `yaml` (with the options `source.ts` uses) reports no
 * error and builds a deep-equal value. The property tests found every decline rule in
 * `fast-yaml.ts`; the examples below keep each one pinned.
 */
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDocument, stringify } from "yaml";
import { parseFast } from "./fast-yaml.js";
import { validYaml } from "./test-helpers.js";

/** What the slow path makes of `text`: its value, or the codes of its errors. */
function slowParse(text: string): { value: unknown } | { errors: string[] } {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, strict: true });
  if (doc.errors.length > 0) return { errors: doc.errors.map((error) => error.code) };
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) };
  } catch (error) {
    return { errors: [(error as Error).message] };
  }
}

/** The fast path declines, or agrees with the slow path; a failure shows both. */
function expectAgreement(text: string): void {
  const fast = parseFast(text);
  if (fast === undefined) return;
  const slow = slowParse(text);
  const agrees = "value" in slow && isDeepStrictEqual(fast.value, slow.value);
  expect(
    agrees,
    `${JSON.stringify(text)}: fast ${JSON.stringify(fast.value)}, slow ${JSON.stringify(slow)}`,
  ).toBe(true);
}

const exampleFiles = [
  "examples/coordinator/workflow.yaml",
  "examples/release-integration/quorum.config.yaml",
  "examples/release-integration/workflow.yaml",
  "examples/smart-routing/workflow.yaml",
  "examples/strategy-document/roles/pm.yaml",
  "examples/strategy-document/shared.yaml",
  "examples/strategy-document/workflow.yaml",
  "templates/init/workflows/hello.yaml",
].map((path) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8"));

describe("parseFast", () => {
  it("reads scalars as yaml's YAML 1.2 core schema does", () => {
    const expected: Record<string, unknown> = {
      on: "on",
      yes: "yes",
      no: "no",
      "1e3": 1000,
      "0x10": 16,
      "0o17": 15,
      "2024-01-01": "2024-01-01",
      "2024-01-01T10:00:00Z": "2024-01-01T10:00:00Z",
      "1_000": "1_000",
      "0b101": "0b101",
      "-0x10": "-0x10",
      "+12": 12,
      "012": 12,
      "-.5": -0.5,
      "1.": 1,
      ".inf": Number.POSITIVE_INFINITY,
      "-.Inf": Number.NEGATIVE_INFINITY,
      ".NaN": Number.NaN,
      [`${"9".repeat(400)}`]: Number.POSITIVE_INFINITY,
      "~": null,
      Null: null,
      "": null,
      True: true,
      FALSE: false,
      tRue: "tRue",
      "'1'": "1",
    };
    for (const [written, value] of Object.entries(expected)) {
      const text = `a: ${written}\n`;
      expect(parseFast(text)?.value, text).toEqual({ a: value });
      expectAgreement(text);
    }
  });

  it("turns keys into the same strings as yaml, merge keys included", () => {
    const text = "1: a\ntrue: b\n1e3: c\n.nan: d\n0x10: e\n'01': f\n<<: {g: 1}\n__proto__: h\n";
    const fast = parseFast(text);
    expect(Object.keys(fast?.value as object)).toEqual([
      "1",
      "16",
      "1000",
      "true",
      "NaN",
      "01",
      "<<",
      "__proto__",
    ]);
    expectAgreement(text);
  });

  it("still takes a comment before a nested block or a value indented like the value", () => {
    for (const text of [
      "steps:\n# first\n  - id: a\n",
      "m:\n  kind:\n #c\n    a: b\n",
      "m:\n  kind:\n     #c\n     model\n",
    ]) {
      expect(parseFast(text), text).toBeDefined();
      expectAgreement(text);
    }
  });

  it("takes the repository's workflow, role, fragment and config files", () => {
    for (const text of [validYaml, ...exampleFiles]) {
      expect(parseFast(text)).toBeDefined();
      expectAgreement(text);
    }
  });

  it("declines what only yaml can answer for", () => {
    const declined = {
      anchor: "a: &x [1]\nb: *x\n",
      tag: "a: !!str 1\n",
      localTag: "a: !x 1\n",
      directive: "%YAML 1.1\n---\na: yes\n",
      explicitKey: "? [a, b]\n: c\n",
      flowKeyInBlock: "[a]: b\n",
      flowKeyInFlowMapping: "a: {[b], c: d}\n",
      nullKey: "~: x\n",
      emptyKey: "a:\n  : x\n",
      nullKeyInFlowSequence: "a: [~: x]\n",
      gluedComment: "a: 'x'#c\n",
      loneCarriageReturn: "a: b\rc: d\n",
      tabIndent: "a:\n\t\nb: 1\n",
      indentationIndicator: "a: |2-\n   x\n",
      blockScalarOpeningWithSpaces: "a: |-\n    \n  #x\n",
      emptySequenceEntry: "a:\n  - b:\n    -\n  - c\n",
      multiLineQuoted: 'a:\n  - "x\n  y"\n',
      multiLineFlow: "a:\n  b: [x,\n  y]\n",
      longKey: `${"k".repeat(1100)}: v\n`,
      duplicateKey: "a: 1\na: 2\n",
      syntaxError: "a: [1, 2\n",
      twoDocuments: "a: 1\n---\nb: 2\n",
      rootScalar: "just text\n",
      rootSequence: "- a\n",
      empty: "",
      // js-yaml reads `---#` as a document marker and a comment; for `yaml` it is a plain key.
      gluedMarker: "---#quorum: 1\nname: demo\n",
      gluedEnd: "a: 1\n...x: 2\n",
      // `yaml` rejects a plain value after a comment indented no deeper than its key (seed -1596278560).
      outdentedCommentBeforeValue: "m:\n  kind:\n #c\n     model\n",
      commentAtKeyIndentBeforeValue: "kind:\n#c\n  model\n",
    };
    for (const [name, text] of Object.entries(declined)) expect(parseFast(text), name).toBeUndefined();
  });

  it("agrees with yaml on random mappings, however they are written", () => {
    const text = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom(
        "on",
        "null",
        "~",
        "1e3",
        "0x1F",
        "-.5",
        "2024-01-01",
        "a: b",
        "- x",
        "#x",
        "x #y",
        "'q'",
      ),
      fc.constantFrom("multi\nline", "trailing\n\n", "  lead", "tab\there", 'quote"d', "it's"),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        text,
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(text, tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    const options = fc.record({
      indent: fc.integer({ min: 1, max: 4 }),
      lineWidth: fc.constantFrom(0, 20, 80),
      indentSeq: fc.boolean(),
      collectionStyle: fc.constantFrom("any", "block", "flow"),
      defaultStringType: fc.constantFrom(
        "PLAIN",
        "QUOTE_DOUBLE",
        "QUOTE_SINGLE",
        "BLOCK_LITERAL",
        "BLOCK_FOLDED",
      ),
    } as const);
    fc.assert(
      fc.property(fc.dictionary(text, value, { minKeys: 1, maxKeys: 4 }), options, (root, how) => {
        expectAgreement(stringify(root, { ...how, minContentWidth: 0 }));
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with yaml on broken and odd files", () => {
    // Edits that move YAML's structure: indentation, entries, comments, quotes, brackets, tabs.
    const pieces = fc.constantFrom(
      "\n",
      "\n  ",
      "\n    ",
      "\n- ",
      "\n-",
      " ",
      "\t",
      "#",
      " #c",
      ":",
      ": ",
      "- ",
      "'",
      '"',
      "[",
      "]",
      "{",
      "}",
      ",",
      "|",
      ">-",
      "?",
      "\\",
      "\r\n",
      "\r",
      "x",
      "~",
      "1e3",
      "...",
      "---",
    );
    const edit = fc.tuple(fc.nat(), fc.nat(3), fc.array(pieces, { maxLength: 3 }));
    fc.assert(
      fc.property(
        fc.constantFrom(validYaml, ...exampleFiles),
        fc.array(edit, { minLength: 1, maxLength: 5 }),
        (original, edits) => {
          let text = original;
          for (const [at, remove, insert] of edits) {
            const where = at % (text.length + 1);
            text = text.slice(0, where) + insert.join("") + text.slice(where + remove);
          }
          expectAgreement(text);
        },
      ),
      { numRuns: 600 },
    );
  });

  it("agrees with yaml when whole lines move", () => {
    const line = fc.constantFrom(
      "-",
      "- #c",
      "  -",
      "- -",
      "x:",
      "  x: y",
      "  - x",
      "#c",
      "",
      "\t",
      "  text",
    );
    fc.assert(
      fc.property(
        fc.constantFrom(validYaml, ...exampleFiles),
        fc.array(fc.tuple(fc.nat(), fc.nat(3), line), { minLength: 1, maxLength: 4 }),
        (original, edits) => {
          const lines = original.split("\n");
          for (const [at, kind, inserted] of edits) {
            const where = at % (lines.length + 1);
            if (kind === 0) lines.splice(where, 0, inserted);
            else if (kind === 1) lines.splice(where, 1);
            else if (kind === 2) lines[where] = ` ${lines[where] ?? ""}`;
            else lines[where] = (lines[where] ?? "").replace(/^ {1,2}/, "");
          }
          expectAgreement(lines.join("\n"));
        },
      ),
      { numRuns: 600 },
    );
  });
});
