/**
 * Compile document JSON Schemas with Ajv: draft 2020-12 by default, draft-07 when the schema
 * says so. Not strict: schemas written by tools (`properties` without `type`, `example`) are
 * accepted; the meta-schema still rejects invalid ones. Used by the validator (is the schema itself valid?) and by the runtime (is the document?).
 */

import type { ValidateFunction } from "ajv";
import AjvDraft07 from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

type AjvInstance = InstanceType<typeof Ajv2020>;
const addFormats = addFormatsModule as unknown as (ajv: AjvInstance) => AjvInstance;

function makeAjv(draft07: boolean): AjvInstance {
  const Constructor = (draft07 ? AjvDraft07 : Ajv2020) as unknown as typeof Ajv2020;
  const ajv = new Constructor({
    allErrors: true,
    strict: true,
    strictRequired: false,
    validateFormats: true,
  });
  addFormats(ajv);
  return ajv;
}

let ajv2020: AjvInstance | undefined;
let ajv07: AjvInstance | undefined;

type Compiled = { validate?: ValidateFunction; error?: string };

/**
 * Compiled validators by schema object, then by schema text: a schema is compiled once per process.
 * (Compiling is slow and Ajv keeps every compiled function, so recompiling per document both costs
 * milliseconds per step and grows memory without bound in a long-running worker.)
 */
const byObject = new WeakMap<object, Compiled>();
const byText = new Map<string, Compiled>();

export function compileSchema(schema: Record<string, unknown>): Compiled {
  const cached = byObject.get(schema);
  if (cached) return cached;
  const text = JSON.stringify(schema);
  const known = byText.get(text);
  if (known) {
    byObject.set(schema, known);
    return known;
  }
  const compiled = compileUncached(schema);
  byObject.set(schema, compiled);
  byText.set(text, compiled);
  return compiled;
}

function compileUncached(schema: Record<string, unknown>): Compiled {
  const draft07 = typeof schema.$schema === "string" && schema.$schema.includes("draft-07");
  if (draft07 && !ajv07) ajv07 = makeAjv(true);
  if (!draft07 && !ajv2020) ajv2020 = makeAjv(false);
  const ajv = (draft07 ? ajv07 : ajv2020)!;
  try {
    // Schemas are compiled without registering them, so two documents may share an $id.
    const { $id: _ignored, ...rest } = schema;
    return { validate: ajv.compile(rest) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** Human-readable Ajv errors: `/items/0/title must be string`. */
export function formatSchemaErrors(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath || "(document)"} ${e.message ?? "is invalid"}`);
}

/**
 * The sub-schema reached by a property path (`items.0.title` style, numbers for array items),
 * following properties, items and local $refs; undefined when the path leaves the schema.
 */
export function schemaAt(
  schema: Record<string, unknown>,
  path: string[],
): Record<string, unknown> | undefined {
  let current: Record<string, unknown> | undefined = schema;
  const resolve = (node: Record<string, unknown> | undefined): Record<string, unknown> | undefined => {
    let n = node;
    for (let depth = 0; n && typeof n.$ref === "string" && depth < 20; depth++) {
      const ref = n.$ref as string;
      if (!ref.startsWith("#/")) return undefined;
      n = ref
        .slice(2)
        .split("/")
        .reduce<unknown>((acc, key) => (acc as Record<string, unknown> | undefined)?.[key], schema) as
        | Record<string, unknown>
        | undefined;
    }
    return n;
  };
  for (const segment of path) {
    current = resolve(current);
    if (!current) return undefined;
    if (/^\d+$/.test(segment)) current = current.items as Record<string, unknown> | undefined;
    else current = (current.properties as Record<string, Record<string, unknown>> | undefined)?.[segment];
  }
  return resolve(current);
}
