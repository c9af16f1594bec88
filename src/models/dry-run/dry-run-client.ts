/**
 * The schema-driven stub behind `--dry-run`: every call answers with a placeholder that satisfies
 * the requested JSON Schema (or a marked placeholder text), costs nothing, and says it is a dry run.
 * It runs the whole workflow through the same engine, journal and validation as a real run.
 */
import type { ModelClient, ModelRequest, ModelResponse } from "../../spec/index.js";
import { exampleFromSchema } from "./example-from-schema.js";

export const dryRunModel = "dry-run/stub";

export function createDryRunModelClient(): ModelClient {
  return {
    specificationVersion: "v1",
    async generate(request: ModelRequest, options): Promise<ModelResponse> {
      options?.signal?.throwIfAborted();
      const text = request.schema
        ? JSON.stringify(
            exampleFromSchema(request.schema as Parameters<typeof exampleFromSchema>[0]),
            null,
            2,
          )
        : `[dry run] placeholder answer from ${request.models[0] ?? "the router"} (${request.prompt.length} prompt characters; no model was called)`;
      return {
        text,
        model: dryRunModel,
        usage: { inputTokens: 0, outputTokens: 0 },
        costUsd: 0,
        finishReason: "stop",
        dryRun: true,
      };
    },
  };
}
