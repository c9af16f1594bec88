/**
 * The `summarise` context policy: when a step's prompt does not fit its models' context window, the
 * input documents declared `context: { policy: summarise }` are condensed by a model call each, sized
 * so the prompt fits, and the step renders its prompt again with the summaries in their place.
 *
 * Why here, in the step, and not inside the model client: the summary is a model call of its own that
 * must be journaled and hashed like any other (answered from the journal on resume, never paid for
 * twice, its cost on the ledger and in `status`), must know which parts of the prompt are documents
 * (the client only sees a string), and its answer must reach the template, which only the step
 * renders. So it goes through `StepContext.callModel` and `chooseModels` like the step's own calls.
 * The trigger is the model layer's `ContextWindowError`, thrown before anything is sent, which carries
 * the tokens needed and the largest window: nothing is summarised unless it is really needed.
 */
import type { ContextWindowError } from "../../errors/index.js";
import type { ModelRequest } from "../../spec/index.js";
import type { StepContext } from "../types.js";
import { isSensitive } from "./request.js";

/** Summaries aim this far under their share: token counts are approximate for non-OpenAI models. */
const safetyFactor = 0.9;
/** Below this a summary says nothing useful: the step fails with the window error instead. */
export const minSummaryTokens = 32;

export const summariserSystem =
  "You condense documents for another model's prompt. Keep every fact, figure, name, decision and open question a reader needs to act on; drop repetition and filler. Reply with the summary only.";

interface Candidate {
  readonly documentId: string;
  readonly text: string;
  readonly tokens: number;
  readonly summariseWith: readonly string[];
  readonly sensitive: boolean;
}

/**
 * `variables` with each `summarise` input document replaced by a summary sized to fit, or undefined
 * when the step has no such document or even empty summaries could not make the prompt fit.
 */
export async function summariseToFit(
  context: StepContext,
  error: ContextWindowError,
  variables: Record<string, unknown>,
  stepModels: readonly string[],
): Promise<Record<string, unknown> | undefined> {
  const documents = (variables.documents ?? {}) as Record<string, unknown>;
  const candidates: Candidate[] = [];
  for (const documentId of context.step.inputs) {
    const type = context.workflow.documents[documentId];
    const value = documents[documentId];
    if (type?.context?.policy !== "summarise" || value === undefined) continue;
    const text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
    candidates.push({
      documentId,
      text,
      tokens: await context.countTokens(text),
      summariseWith: type.context.summariseWith ?? [],
      sensitive: type.sensitive,
    });
  }
  const totalTokens = candidates.reduce((sum, c) => sum + c.tokens, 0);
  const available = totalTokens - (error.tokensNeeded - error.largestWindowTokens);
  if (candidates.length === 0 || available <= 0) return undefined;
  const targets = candidates.map((c) => Math.floor(((available * c.tokens) / totalTokens) * safetyFactor));
  if (targets.some((t) => t < minSummaryTokens)) return undefined;

  const summaries: Record<string, string> = {};
  // One after another, in the step's input order: call keys stay the same on resume.
  for (const [i, candidate] of candidates.entries()) {
    const maxTokens = targets[i]!;
    const request = await summaryRequest(context, candidate, maxTokens, stepModels);
    const response = await context.callModel(request);
    summaries[candidate.documentId] =
      `${response.text.trim()}\n[… summarised from about ${candidate.tokens} tokens to fit the model's context window]`;
  }
  return { ...variables, documents: { ...documents, ...summaries } };
}

/**
 * The summarising call: the document's `summariseWith` models, else the router's cheapest capable
 * models (journaled as a `route-decision`, purpose `summarise`), then the step's own models as a last
 * resort; the model layer's context fitting drops any that cannot hold the document.
 */
async function summaryRequest(
  context: StepContext,
  candidate: Candidate,
  maxTokens: number,
  stepModels: readonly string[],
): Promise<ModelRequest> {
  const sensitive = candidate.sensitive || isSensitive(context);
  const chosen = await context.chooseModels({
    explicit: candidate.summariseWith,
    purpose: "summarise",
    needsJson: false,
    sensitive,
    hints: { policy: "cheapest-capable" },
  });
  const models = candidate.summariseWith.length > 0 ? chosen : [...new Set([...chosen, ...stepModels])];
  return {
    models,
    system: summariserSystem,
    prompt:
      `Summarise the document '${candidate.documentId}' below in at most ${maxTokens} tokens ` +
      `(about ${Math.floor(maxTokens * 0.75)} words).\n\n<document>\n${candidate.text}\n</document>`,
    maxOutputTokens: maxTokens,
    ...(sensitive ? { sensitive: true } : {}),
  };
}
