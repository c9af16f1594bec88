/**
 * `model` steps: one prompt, one document. Renders the prompt template, asks the model (with the
 * document's JSON Schema), validates the answer and re-asks with the validation errors (bounded);
 * an invalid document is never accepted. With `ask:`, the model may return clarification
 * questions instead; the run then waits for `quorum answer`.
 */
import { renderTemplate } from "../../definition/index.js";
import { ContextWindowError } from "../../errors/index.js";
import type { ModelRequest } from "../../spec/index.js";
import { lookupPath } from "../lookup.js";
import type { StepContext, StepExecutor, StepOutcome } from "../types.js";
import { chooseDocumentModels, isSensitive, repairRequest } from "./request.js";
import { checkDocument, extractJson } from "./structured.js";
import { summariseToFit } from "./summarise.js";

/** Re-asks after the first answer when the document does not validate. */
export const maxRepairs = 2;

export const clarificationSchema = {
  type: "object",
  required: ["clarificationQuestions"],
  additionalProperties: false,
  properties: { clarificationQuestions: { type: "array", minItems: 1, items: { type: "string" } } },
};

export const modelStep: StepExecutor = {
  async execute(context: StepContext): Promise<StepOutcome> {
    const step = context.step;
    if (!("prompt" in step) || !step.prompt) return fail("NoPrompt", `step '${step.id}' has no prompt`);
    const outputId = step.outputs[0]!;
    const documentType = context.workflow.documents[outputId];
    const schema = documentType?.schema;
    const role = "role" in step && step.role ? context.workflow.roles[step.role] : undefined;
    const ask = step.kind === "model" ? step.ask : undefined;
    const template = step.prompt.text;

    const models = await chooseDocumentModels(context, schema);
    const answers: string[] = [];
    for (let round = 0; ; round++) {
      const variables = await context.variables({
        feedback: context.feedback.join("\n\n"),
        answers: answers.join("\n\n"),
      });
      const canAsk = ask !== undefined && round < ask.maxRounds;
      const build = (vars: Record<string, unknown>): ModelRequest => {
        const prompt = renderTemplate(template, (path) => lookupPath(vars, path));
        return {
          models,
          ...(role?.instructions ? { system: role.instructions } : {}),
          prompt: canAsk ? `${prompt}\n\n${askInstruction}` : prompt,
          ...(schema
            ? { schema: canAsk ? { anyOf: [schema, clarificationSchema] } : schema, schemaName: outputId }
            : {}),
          ...(isSensitive(context) ? { sensitive: true } : {}),
        };
      };
      const result = await generateFitting(context, variables, build, schema, canAsk);
      if (result.type !== "questions") return result;
      const reply = await context.humanInput(
        "clarification",
        result.questions.map((q, i) => `${i + 1}. ${q}`).join("\n"),
      );
      if (reply.status === "waiting") return { type: "waiting" };
      answers.push(
        `Questions:\n${result.questions.join("\n")}\nAnswers:\n${typeof reply.response === "string" ? reply.response : JSON.stringify(reply.response)}`,
      );
    }
  },
};

export const askInstruction =
  'If you cannot write a good answer without more information, reply instead with JSON {"clarificationQuestions": ["..."]} listing at most 5 short questions.';

/**
 * `generateValid`, and when the prompt does not fit any model's window, once more with the step's
 * `summarise` input documents condensed to fit (see `summarise.ts`); otherwise the window error stands.
 */
async function generateFitting(
  context: StepContext,
  variables: Record<string, unknown>,
  build: (variables: Record<string, unknown>) => ModelRequest,
  schema: Record<string, unknown> | undefined,
  canAsk: boolean,
): Promise<StepOutcome | { type: "questions"; questions: string[] }> {
  const request = build(variables);
  try {
    return await generateValid(context, request, schema, canAsk);
  } catch (error) {
    if (!(error instanceof ContextWindowError)) throw error;
    const fitted = await summariseToFit(context, error, variables, request.models);
    if (!fitted) throw error;
    return generateValid(context, build(fitted), schema, canAsk);
  }
}

async function generateValid(
  context: StepContext,
  request: ModelRequest,
  schema: Record<string, unknown> | undefined,
  canAsk: boolean,
): Promise<StepOutcome | { type: "questions"; questions: string[] }> {
  let current = request;
  let lastErrors: string[] = [];
  for (let repair = 0; repair <= maxRepairs; repair++) {
    const response = await context.callModel(current);
    const questions = canAsk ? clarificationQuestions(response.text) : undefined;
    if (questions) return { type: "questions", questions };
    const checked = checkDocument(response.text, schema);
    if (checked.ok)
      return {
        type: "done",
        documents: { [context.step.outputs[0]!]: checked.text },
        model: response.model,
        output: { model: response.model, repairs: repair, ...(response.dryRun ? { dryRun: true } : {}) },
      };
    lastErrors = checked.errors;
    current = repairRequest(request, checked.errors);
  }
  return {
    type: "failed",
    error: {
      name: "InvalidDocument",
      message: `no valid document after ${maxRepairs + 1} answers: ${lastErrors.slice(0, 3).join("; ")}`,
    },
    retryable: true,
  };
}

export function clarificationQuestions(text: string): string[] | undefined {
  try {
    const value = JSON.parse(extractJson(text)) as { clarificationQuestions?: unknown };
    const questions = value?.clarificationQuestions;
    return Array.isArray(questions) && questions.length > 0 ? questions.map(String) : undefined;
  } catch {
    return undefined;
  }
}

const fail = (name: string, message: string): StepOutcome => ({
  type: "failed",
  error: { name, message },
  retryable: false,
});
