/**
 * Check run inputs against the workflow's declared inputs: types, enums, required, defaults.
 * Returns every problem at once so the user fixes them in one go.
 */
import type { JsonValue, Workflow } from "../spec/index.js";

export function resolveInputs(
  workflow: Workflow,
  given: Record<string, JsonValue>,
): { inputs: Record<string, JsonValue>; problems: string[] } {
  const inputs: Record<string, JsonValue> = {};
  const problems: string[] = [];
  for (const name of Object.keys(given))
    if (!workflow.inputs[name])
      problems.push(
        `unknown input '${name}'; this workflow takes: ${Object.keys(workflow.inputs).join(", ") || "no inputs"}`,
      );
  for (const spec of Object.values(workflow.inputs)) {
    const raw = given[spec.id] ?? spec.default;
    if (raw === undefined) {
      if (spec.required)
        problems.push(
          `missing required input '${spec.id}'${spec.description ? ` (${spec.description})` : ""}: pass --input ${spec.id}=...`,
        );
      continue;
    }
    switch (spec.type) {
      case "number": {
        const n = typeof raw === "number" ? raw : Number(raw);
        if (Number.isNaN(n) || raw === "") problems.push(`input '${spec.id}' must be a number, got '${raw}'`);
        else inputs[spec.id] = n;
        break;
      }
      case "boolean": {
        const b =
          typeof raw === "boolean" ? raw : raw === "true" ? true : raw === "false" ? false : undefined;
        if (b === undefined) problems.push(`input '${spec.id}' must be true or false, got '${raw}'`);
        else inputs[spec.id] = b;
        break;
      }
      case "list": {
        const list = typeof raw === "string" ? parseList(raw) : raw;
        if (!Array.isArray(list))
          problems.push(
            `input '${spec.id}' must be a JSON array, e.g. --input ${spec.id}='["a","b"]' or --input ${spec.id}=@items.json`,
          );
        else inputs[spec.id] = list;
        break;
      }
      case "enum":
        if (!spec.values?.includes(String(raw)))
          problems.push(`input '${spec.id}' must be one of ${spec.values?.join(", ")}, got '${raw}'`);
        else inputs[spec.id] = String(raw);
        break;
      default:
        inputs[spec.id] = typeof raw === "string" ? raw : JSON.stringify(raw);
    }
  }
  return { inputs, problems };
}

function parseList(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
