/**
 * Check run inputs against the workflow's declared inputs: types, enums, required, defaults.
 * Returns every problem at once so the user fixes them in one go.
 */
import type { JsonValue, Workflow } from "../spec/index.js";

export function resolveInputs(
  workflow: Workflow,
  given: Record<string, JsonValue>,
  /** Input name → the file its value was read from (the CLI's --input name=@file), to name it in problems. */
  files: Record<string, string> = {},
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
    // An empty value does not satisfy a required text input (`--input idea=` is a slip, not an idea).
    if (spec.required && typeof raw === "string" && raw.trim() === "" && spec.type !== "number") {
      problems.push(`required input '${spec.id}' is empty: pass --input ${spec.id}=...`);
      continue;
    }
    if (raw === undefined) {
      if (spec.required)
        problems.push(
          `missing required input '${spec.id}'${spec.description ? ` (${spec.description})` : ""}: pass --input ${spec.id}=...`,
        );
      continue;
    }
    switch (spec.type) {
      case "number": {
        // Infinity passes a NaN check but is journaled as null (JSON has no Infinity).
        const n = typeof raw === "number" ? raw : Number(raw);
        if (!Number.isFinite(n) || (typeof raw === "string" && raw.trim() === ""))
          problems.push(
            `input '${spec.id}' must be a finite number, got '${raw}'${given[spec.id] === undefined ? " (its default: in the workflow)" : ""}`,
          );
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
        const parsed = typeof raw === "string" ? parseList(raw) : { value: raw };
        if ("value" in parsed && Array.isArray(parsed.value)) {
          inputs[spec.id] = parsed.value;
          break;
        }
        const source = files[spec.id] ? `file '${files[spec.id]}'` : "the value";
        const found =
          "error" in parsed ? `is not valid JSON: ${parsed.error}` : `is ${jsonKind(parsed.value)}`;
        problems.push(
          `input '${spec.id}' must be a JSON array, but ${source} ${found}; e.g. --input ${spec.id}='["a","b"]' or --input ${spec.id}=@items.json`,
        );
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

/** The parsed value, or the parser's message on one line, with the line and column when it names a position. */
function parseList(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    const message = (error as Error).message.replace(/\s+/g, " ");
    const position = /at position (\d+)/.exec(message);
    if (!position || !text.includes("\n")) return { error: message };
    const before = text.slice(0, Number(position[1])).split("\n");
    return { error: `${message} (line ${before.length} column ${before.at(-1)!.length + 1})` };
  }
}

const jsonKind = (value: unknown): string =>
  value === null ? "null" : typeof value === "object" ? "a JSON object" : `a ${typeof value}`;
