/** Document schemas compile; `map` iterates over an array; gates with a schema check have schemas. */
import type { Issue } from "../../spec/index.js";
import { codes } from "../codes.js";
import { compileSchema, schemaAt } from "../json-schema.js";
import type { Rule } from "./rule.js";

export const validJsonSchemas: Rule = {
  name: "valid-json-schemas",
  check({ workflow, origins, at, source }) {
    const issues: Issue[] = [];
    for (const document of Object.values(workflow.documents)) {
      if (!document.schema) continue;
      const { error } = compileSchema(document.schema);
      if (!error) continue;
      const origin = origins.documents[document.id];
      const message = `schema of document '${document.id}' (${document.schemaFile}) is not a valid JSON Schema: ${error}`;
      issues.push(
        origin && origin.source === source
          ? at([...origin.path, "schema"], codes.invalidJsonSchema, message)
          : {
              code: codes.invalidJsonSchema,
              severity: "error",
              file: document.schemaFile ?? source.file,
              path: "",
              message,
            },
      );
    }
    return issues;
  },
};

export const mapOverArray: Rule = {
  name: "map-over-array",
  check({ workflow, at }) {
    const issues: Issue[] = [];
    for (const step of workflow.steps) {
      if (step.kind !== "map") continue;
      const [root, documentId, ...path] = step.over.split(".");
      if (root !== "documents" || !documentId || !step.inputs.includes(documentId)) continue; // other rules report it
      const schema = workflow.documents[documentId]?.schema;
      const where = ["steps", step.index, "over"];
      if (!schema) {
        issues.push(
          at(
            where,
            codes.mapOverNonArray,
            `cannot check that '${step.over}' is an array: document '${documentId}' has no schema`,
            "warning",
          ),
        );
        continue;
      }
      const target = schemaAt(schema, path);
      if (!target) {
        issues.push(
          at(
            where,
            codes.mapOverNonArray,
            `'${step.over}' is not a field of document '${documentId}''s schema`,
          ),
        );
        continue;
      }
      const type = target.type;
      const isArray = type === "array" || (Array.isArray(type) && type.includes("array"));
      if (!isArray)
        issues.push(
          at(
            where,
            codes.mapOverNonArray,
            `map over '${step.over}', which is ${type ? `of type ${JSON.stringify(type)}` : "not declared as an array"}; map needs an array`,
          ),
        );
    }
    return issues;
  },
};

export const gateSchemaChecks: Rule = {
  name: "gate-schema-checks",
  check({ workflow, at }) {
    const issues: Issue[] = [];
    for (const step of workflow.steps) {
      if (step.kind !== "gate") continue;
      if (step.inputs.length === 0)
        issues.push(
          at(
            ["steps", step.index],
            codes.invalidStepConfig,
            `gate '${step.id}' has no inputs: list the documents it checks`,
          ),
        );
      step.checks.forEach((check, i) => {
        if (check.type !== "schema") return;
        const missing = step.inputs.filter((d) => workflow.documents[d] && !workflow.documents[d].schema);
        if (missing.length > 0)
          issues.push(
            at(
              ["steps", step.index, "checks", i],
              codes.invalidStepConfig,
              `schema check, but document '${missing[0]}' has no schema`,
            ),
          );
      });
    }
    return issues;
  },
};
