/**
 * Building the model requests that ask for a step's output document, shared by `model`,
 * `ensemble` and `map` steps so every kind asks, and re-asks, in the same words.
 */
import type { ModelRequest } from "../../spec/index.js";
import type { StepContext } from "../types.js";

/**
 * The request for one document: the role's instructions as system prompt, the document's JSON
 * Schema (when it has one) and the privacy flag, so sensitive content stays on local models.
 */
export function documentRequest(
  context: StepContext,
  prompt: string,
  models: readonly string[],
  schema: Record<string, unknown> | undefined,
  schemaName: string,
): ModelRequest {
  const step = context.step;
  const role = "role" in step && step.role ? context.workflow.roles[step.role] : undefined;
  return {
    models,
    ...(role?.instructions ? { system: role.instructions } : {}),
    prompt,
    ...(schema ? { schema, schemaName } : {}),
    ...(isSensitive(context) ? { sensitive: true } : {}),
  };
}

/** The step's content must stay local: its output document is sensitive, or its routing says so. */
export function isSensitive(context: StepContext): boolean {
  const step = context.step;
  const documentType = step.outputs[0] ? context.workflow.documents[step.outputs[0]] : undefined;
  return documentType?.sensitive === true || ("routing" in step && step.routing?.privacy === "sensitive");
}

/** Asks the router which models this step's documents come from (journaled, once per call site). */
export function chooseDocumentModels(
  context: StepContext,
  schema: Record<string, unknown> | undefined,
  purpose = "document",
): Promise<readonly string[]> {
  const step = context.step;
  return context.chooseModels({
    explicit: "models" in step ? step.models : [],
    purpose,
    needsJson: schema !== undefined,
    sensitive: isSensitive(context),
  });
}

/** The same request again, told why its previous answer was rejected (at most 10 errors). */
export function repairRequest(request: ModelRequest, errors: readonly string[]): ModelRequest {
  return {
    ...request,
    prompt: `${request.prompt}\n\nYour previous answer was rejected:\n${errors
      .slice(0, 10)
      .map((e) => `- ${e}`)
      .join("\n")}\nAnswer again with JSON that satisfies the schema exactly.`,
  };
}
