import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { exampleFromPattern } from "./example-from-pattern.js";
import { exampleFromSchema, type JsonSchema, UnsatisfiableSchemaError } from "./example-from-schema.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));

function expectValid(schema: JsonSchema): unknown {
  const example = exampleFromSchema(schema);
  const validate = ajv.compile(schema as object);
  expect(validate(example), `${JSON.stringify(example)}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  return example;
}

describe("exampleFromSchema", () => {
  it("fills required properties only", () => {
    const example = expectValid({
      type: "object",
      required: ["title", "sections"],
      properties: {
        title: { type: "string", minLength: 20 },
        sections: {
          type: "array",
          minItems: 2,
          items: { type: "object", required: ["heading"], properties: { heading: { type: "string" } } },
        },
        optional: { type: "string" },
      },
      additionalProperties: false,
    });
    expect(example).toEqual({
      title: "examplexxxxxxxxxxxxx",
      sections: [{ heading: "example" }, { heading: "example" }],
    });
  });

  it.each<[string, JsonSchema]>([
    ["enum", { enum: ["high", "medium", "low"] }],
    ["const", { const: 42 }],
    ["nullable type list", { type: ["null", "string"], minLength: 3 }],
    ["integer bounds", { type: "integer", minimum: 5, maximum: 9 }],
    ["exclusive bounds (2020)", { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 1 }],
    ["exclusive integer", { type: "integer", exclusiveMinimum: 10 }],
    ["negative only", { type: "integer", maximum: -3 }],
    ["multipleOf", { type: "number", minimum: 7, multipleOf: 5 }],
    ["fractional multipleOf", { type: "number", minimum: 0.3, multipleOf: 0.25 }],
    ["short max length", { type: "string", maxLength: 3 }],
    ["date-time", { type: "string", format: "date-time" }],
    ["date", { type: "string", format: "date" }],
    ["email", { type: "string", format: "email" }],
    ["uri", { type: "string", format: "uri" }],
    ["uuid", { type: "string", format: "uuid" }],
    ["ipv4", { type: "string", format: "ipv4" }],
    ["pattern", { type: "string", pattern: "^[A-Z]{3}-\\d{2,4}$" }],
    ["pattern alternation", { type: "string", pattern: "^(draft|final)-v[0-9]+$" }],
    ["unique items", { type: "array", minItems: 3, uniqueItems: true, items: { type: "string" } }],
    [
      "unique enum items",
      { type: "array", minItems: 2, uniqueItems: true, items: { enum: ["a", "b", "c"] } },
    ],
    [
      "unique integers",
      { type: "array", minItems: 3, uniqueItems: true, items: { type: "integer", minimum: 1 } },
    ],
    ["tuple", { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }], minItems: 2 }],
    ["contains", { type: "array", contains: { type: "integer", minimum: 3 } }],
    [
      "anyOf with null first",
      {
        anyOf: [
          { type: "null" },
          { type: "object", required: ["a"], properties: { a: { type: "boolean" } } },
        ],
      },
    ],
    ["oneOf", { oneOf: [{ type: "string", format: "email" }, { type: "integer" }] }],
    [
      "allOf merges",
      {
        allOf: [
          { type: "object", required: ["a"], properties: { a: { type: "string" } } },
          { required: ["b"], properties: { b: { type: "integer", minimum: 2 } } },
        ],
      },
    ],
    ["minProperties", { type: "object", minProperties: 2, properties: { x: { type: "string" } } }],
    [
      "dependentRequired",
      {
        type: "object",
        required: ["card"],
        dependentRequired: { card: ["billing"] },
        properties: { card: { type: "string" }, billing: { type: "string" } },
      },
    ],
    [
      "$defs and $ref",
      {
        type: "object",
        required: ["owner"],
        properties: { owner: { $ref: "#/$defs/person" } },
        $defs: {
          person: {
            type: "object",
            required: ["name", "email"],
            properties: { name: { type: "string" }, email: { type: "string", format: "email" } },
          },
        },
      },
    ],
    [
      "recursive but optional",
      {
        $defs: {
          node: {
            type: "object",
            required: ["id"],
            properties: {
              id: { type: "string" },
              children: { type: "array", items: { $ref: "#/$defs/node" } },
            },
          },
        },
        $ref: "#/$defs/node",
      },
    ],
    ["untyped properties", { properties: { n: { minimum: 1 } }, required: ["n"] }],
    ["true schema", true],
  ])("satisfies %s", (_name, schema) => {
    expectValid(schema);
  });

  it("keeps a strict OpenAI-style schema valid (every property required, no extras)", () => {
    expectValid({
      type: "object",
      additionalProperties: false,
      required: ["summary", "risks", "score"],
      properties: {
        summary: { type: "string" },
        risks: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["risk", "severity"],
            properties: { risk: { type: "string" }, severity: { type: "string", enum: ["low", "high"] } },
          },
        },
        score: { type: ["number", "null"], minimum: 0, maximum: 10 },
      },
    });
  });

  it("is deterministic", () => {
    const schema = {
      type: "object",
      required: ["a"],
      properties: { a: { type: "array", minItems: 2, items: { type: "number" } } },
    };
    expect(exampleFromSchema(schema)).toEqual(exampleFromSchema(structuredClone(schema)));
  });

  it("refuses unsatisfiable schemas with a named error", () => {
    expect(() => exampleFromSchema(false)).toThrow(UnsatisfiableSchemaError);
    const infinite = {
      $defs: { n: { type: "object", required: ["next"], properties: { next: { $ref: "#/$defs/n" } } } },
      $ref: "#/$defs/n",
    };
    expect(() => exampleFromSchema(infinite)).toThrow(/infinitely nested/);
    expect(() => exampleFromSchema({ $ref: "https://example.com/schema.json" })).toThrow(/local \$ref/);
  });
});

describe("exampleFromPattern", () => {
  it.each([
    "^\\d{3}-\\d{4}$",
    "^[a-z][a-z0-9-]*$",
    "^(?:v)?\\d+\\.\\d+\\.\\d+$",
    "^[^\\s@]+@[^\\s@]+$",
    "ab+c?",
    "^\\w{2,}$",
  ])("matches %s", (pattern) => {
    const sample = exampleFromPattern(pattern);
    expect(sample).toBeDefined();
    expect(new RegExp(pattern, "u").test(sample!)).toBe(true);
  });
  it("returns undefined rather than a wrong sample", () => {
    expect(exampleFromPattern("^(?!x)x$")).toBeUndefined();
    expect(exampleFromPattern("[")).toBeUndefined();
  });
});
