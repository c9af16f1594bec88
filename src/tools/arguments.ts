/**
 * Check a tool call's arguments against the tool's input schema before it reaches the server, so
 * a model's malformed call gets a precise error it can fix (and the server never sees garbage).
 * Lenient on purpose: servers write schemas in several drafts and with extra keywords.
 */
import type { ValidateFunction } from "ajv";
import AjvModule from "ajv";

const Ajv = AjvModule as unknown as typeof AjvModule.default;
const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
const compiled = new WeakMap<object, ValidateFunction | "uncompilable">();

/** Problems with `args`, empty when they fit (or when the schema cannot be compiled). */
export function argumentProblems(schema: Record<string, unknown>, args: unknown): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    const { $schema: _ignored, ...rest } = schema;
    try {
      validate = ajv.compile(rest);
    } catch {
      // A schema we cannot read is the server's to enforce; it still validates on its side.
      validate = "uncompilable";
    }
    compiled.set(schema, validate);
  }
  if (validate === "uncompilable" || validate(args)) return [];
  return (validate.errors ?? []).map(
    (e) =>
      `${e.instancePath || "(arguments)"} ${e.message ?? "is invalid"}${
        e.keyword === "additionalProperties"
          ? ` ('${(e.params as { additionalProperty?: string }).additionalProperty}')`
          : ""
      }`,
  );
}
