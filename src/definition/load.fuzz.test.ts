/**
 * Property tests: whatever bytes or structures the loader is fed, it never throws, never hangs,
 * and returns either a workflow or at least one error issue (never both, never neither).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { hasErrors } from "../spec/index.js";
import { parseFast } from "./fast-yaml.js";
import { memoryFileSystem } from "./file-system.js";
import { loadWorkflowText } from "./load.js";
import { defaultFiles, testCatalog, validYaml } from "./test-helpers.js";

const fs = memoryFileSystem(defaultFiles);
const options = { fs, catalog: testCatalog };

function checkOutcome(text: string) {
  const result = loadWorkflowText("w/workflow.yaml", text, options);
  expect(Array.isArray(result.issues)).toBe(true);
  if (result.workflow) expect(hasErrors(result.issues)).toBe(false);
  else expect(hasErrors(result.issues)).toBe(true);
  for (const issue of result.issues) {
    expect(issue.code).toMatch(/^QW\d{3}$/);
    expect(issue.code).not.toBe("QW999"); // internal error: a bug in quorum
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

/** Values shaped like workflow parts, so mutations reach deep rules, not just the top-level check. */
const fieldNames = [
  "id",
  "kind",
  "inputs",
  "outputs",
  "needs",
  "when",
  "prompt",
  "models",
  "role",
  "checks",
  "remediate",
  "over",
  "routes",
  "default",
  "tools",
  "workflow",
  "run",
  "probe",
  "combine",
  "ask",
  "estimate",
  "timeout",
  "retries",
];
const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    "model",
    "gate",
    "map",
    "agent",
    "arbiter",
    "ensemble",
    "approval",
    "check",
    "workflow",
    "doc-a",
    "doc-b",
    "first",
    "second",
    "prompts/a.md",
    "openai/gpt-4o",
    "5m",
    "inputs.topic == 'x'",
    "documents.doc-a.items",
    "false",
  ),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small" },
    scalar,
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...fieldNames), tie("node"), { maxKeys: 5 }),
  ),
})).node;

describe("loader fuzzing", () => {
  it("survives arbitrary text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), checkOutcome), { numRuns: 300 });
  });

  it("survives random byte-level mutations of a valid file", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(validYaml.length), fc.nat(5), fc.string({ maxLength: 6 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (edits) => {
          let text = validYaml;
          for (const [at, remove, insert] of edits)
            text = text.slice(0, at) + insert + text.slice(at + remove);
          checkOutcome(text);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("survives structurally random steps", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 5 }), (steps) => {
        const doc = {
          quorum: 1,
          name: "fuzz",
          documents: { "doc-a": { schema: "schemas/doc.schema.json" }, "doc-b": {} },
          steps,
        };
        checkOutcome(stringify(doc));
      }),
      { numRuns: 400 },
    );
  });

  it("survives mutated steps of a valid workflow (field-level)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1),
        fc.constantFrom(...fieldNames),
        value,
        (index, field, replacement) => {
          const doc = {
            quorum: 1,
            name: "demo",
            inputs: { topic: { type: "string" } },
            documents: { "doc-a": { schema: "schemas/doc.schema.json" }, "doc-b": {} },
            defaults: { models: ["openai/gpt-4o-mini"] },
            steps: [
              { id: "first", kind: "model", prompt: "prompts/a.md", outputs: ["doc-a"] },
              { id: "second", kind: "model", prompt: "prompts/b.md", inputs: ["doc-a"], outputs: ["doc-b"] },
            ] as Array<Record<string, unknown>>,
          };
          doc.steps[index]![field] = replacement;
          checkOutcome(stringify(doc));
        },
      ),
      { numRuns: 600 },
    );
  });

  it("refuses alias bombs and huge files quickly", () => {
    const bomb = `a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n`;
    checkOutcome(bomb);
    const huge = `quorum: 1\nname: x\ndescription: "${"x".repeat(3 * 1024 * 1024)}"\n`;
    const result = loadWorkflowText("w/workflow.yaml", huge, options);
    expect(result.issues[0]?.code).toBe("QW006");
  });

  it("refuses a billion laughs without expanding it", () => {
    // Ten levels of ten aliases: 10^10 strings once expanded. js-yaml would share the aliased
    // arrays, so the fast path must not take the file (whatever walks its value would expand
    // it); yaml's alias limit refuses it instead, in milliseconds and a few megabytes.
    const names = "abcdefghij";
    const levels = [`a: &a [${Array(10).fill('"lol"').join(", ")}]`];
    for (let i = 1; i < names.length; i++)
      levels.push(
        `${names[i]}: &${names[i]} [${Array(10)
          .fill(`*${names[i - 1]}`)
          .join(", ")}]`,
      );
    const bomb = `quorum: 1\nname: laughs\n${levels.join("\n")}\nsteps: [*j, *j]\n`;
    expect(parseFast(bomb)).toBeUndefined();
    const heapBefore = process.memoryUsage().heapUsed;
    const result = loadWorkflowText("w/workflow.yaml", bomb, options);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(256 * 1024 * 1024);
    expect(result.workflow).toBeUndefined();
    expect(result.issues.map((issue) => [issue.code, issue.message])).toEqual([
      ["QW001", "cannot read the file: Excessive alias count indicates a resource exhaustion attack"],
    ]);
  });
});
