/**
 * The combine strategies that ask a model: `judge` (pick the best candidate by number, with
 * reasons), `best-score` (score every candidate 0..1 on completeness and accuracy; the highest
 * mean wins) and `merge` (write one document from all candidates). Each asks with a JSON Schema
 * for its protocol and re-asks with the validation errors, like a model step.
 *
 * Candidates are numbered 0..k-1 among the valid answers, in list order, and shown without
 * their model names so the judge cannot favour a brand.
 */
import type { EnsembleStep, JsonValue, ModelRequest } from "../../spec/index.js";
import { maxRepairs } from "../model/model-step.js";
import { documentRequest, repairRequest } from "../model/request.js";
import { checkDocument } from "../model/structured.js";
import type { StepContext } from "../types.js";
import type { Candidate, Combined } from "./combine.js";

/** The protocol answer, or why none fitted (the caller falls back or fails). */
type Protocol = { ok: true; value: unknown; text: string; model: string } | { ok: false; reason: string };

/**
 * Ask for an answer that fits `schema`. A real run re-asks up to `maxRepairs` times; a dry run
 * asks once, since the stub would only repeat itself, and any answer that does not fit (or a
 * failed call) becomes a reason the caller turns into a fallback, never an error.
 */
async function askProtocol(
  context: StepContext,
  request: ModelRequest,
  schema: Record<string, unknown> | undefined,
): Promise<Protocol> {
  let current = request;
  let errors: string[] = [];
  const tries = context.dryRun ? 1 : maxRepairs + 1;
  for (let attempt = 0; attempt < tries; attempt++) {
    let text: string;
    let model: string;
    try {
      ({ text, model } = await context.callModel(current));
    } catch (error) {
      if (!context.dryRun || context.signal.aborted) throw error;
      return { ok: false, reason: `the call failed: ${(error as Error).message}` };
    }
    const checked = checkDocument(text, schema);
    if (checked.ok) return { ok: true, value: checked.value, text: checked.text, model };
    errors = checked.errors;
    current = repairRequest(request, errors);
  }
  return { ok: false, reason: `no answer fitted after ${tries} tries: ${errors.slice(0, 3).join("; ")}` };
}

const candidateList = (candidates: readonly Candidate[]) =>
  candidates.map((c, i) => `=== Candidate ${i} ===\n${c.text}`).join("\n\n");

/** The models that judge: `combine.judge`, else (best-score without a judge) the step's models. */
export function judgeModels(step: EnsembleStep): string[] {
  return step.combine.judge ? [step.combine.judge] : [...step.models];
}

export async function judgeCombine(
  context: StepContext,
  step: EnsembleStep,
  task: string,
  candidates: readonly Candidate[],
): Promise<Combined | { unfit: string }> {
  const schema = {
    type: "object",
    additionalProperties: false,
    required: ["best", "reasons"],
    properties: {
      best: { type: "integer", minimum: 0, maximum: candidates.length - 1, description: "Candidate number." },
      reasons: { type: "string", description: "Why this candidate is better than the others." },
    },
  };
  const prompt = [
    `${candidates.length} candidate answers were written for the task below. Pick the best one: the most complete, accurate and faithful to the task.`,
    `=== Task ===\n${task}`,
    candidateList(candidates),
    "Answer with the number of the best candidate and your reasons.",
  ].join("\n\n");
  const answer = await askProtocol(
    context,
    documentRequest(context, prompt, judgeModels(step), schema, "ensemble-judge"),
    schema,
  );
  if (!answer.ok) return { unfit: answer.reason };
  const { best, reasons } = answer.value as { best: number; reasons: string };
  const winner = candidates[best]!;
  return {
    text: winner.text,
    model: winner.model,
    winner: winner.member,
    reasons,
    details: { judge: answer.model },
  };
}

export async function bestScoreCombine(
  context: StepContext,
  step: EnsembleStep,
  task: string,
  candidates: readonly Candidate[],
): Promise<Combined | { unfit: string }> {
  const keys = candidates.map((_, i) => `candidate-${i}`);
  const unit = { type: "number", minimum: 0, maximum: 1 };
  const schema = {
    type: "object",
    additionalProperties: false,
    required: keys,
    properties: Object.fromEntries(
      keys.map((key) => [
        key,
        {
          type: "object",
          additionalProperties: false,
          required: ["completeness", "accuracy", "reason"],
          properties: { completeness: unit, accuracy: unit, reason: { type: "string" } },
        },
      ]),
    ),
  };
  const prompt = [
    "Score each candidate answer to the task below from 0 (useless) to 1 (excellent) on completeness (does it cover everything the task asks?) and accuracy (is everything in it correct?), with a one-sentence reason.",
    `=== Task ===\n${task}`,
    candidateList(candidates),
    `Answer with an object keyed ${keys.join(", ")}.`,
  ].join("\n\n");
  const answer = await askProtocol(
    context,
    documentRequest(context, prompt, judgeModels(step), schema, "ensemble-scores"),
    schema,
  );
  if (!answer.ok) return { unfit: answer.reason };
  const given = answer.value as Record<string, { completeness: number; accuracy: number; reason: string }>;
  const scores = candidates.map((c, i) => {
    const s = given[keys[i]!]!;
    return { member: c.member, score: (s.completeness + s.accuracy) / 2, ...s };
  });
  // Strictly greater: a tie keeps the earlier candidate (list order).
  const best = scores.reduce((a, b) => (b.score > a.score ? b : a));
  const winner = candidates.find((c) => c.member === best.member)!;
  return {
    text: winner.text,
    model: winner.model,
    winner: winner.member,
    reasons: best.reason,
    details: { judge: answer.model, scores: scores as unknown as JsonValue },
  };
}

export async function mergeCombine(
  context: StepContext,
  step: EnsembleStep,
  task: string,
  candidates: readonly Candidate[],
  schema: Record<string, unknown> | undefined,
): Promise<Combined | { unfit: string }> {
  const prompt = [
    `${candidates.length} candidate answers were written for the task below. Merge them into one answer that keeps every correct, useful part of each, drops duplicates, and settles disagreements in favour of the better-supported candidate.`,
    `=== Task ===\n${task}`,
    candidateList(candidates),
    schema
      ? "Answer with the merged document only, as JSON that satisfies the schema."
      : "Answer with the merged document only.",
  ].join("\n\n");
  const answer = await askProtocol(
    context,
    documentRequest(context, prompt, judgeModels(step), schema, step.outputs[0]!),
    schema,
  );
  if (!answer.ok) return { unfit: answer.reason };
  return {
    text: answer.text,
    model: answer.model,
    reasons: `merged from members ${candidates.map((c) => c.member).join(", ")}`,
    details: { judge: answer.model },
  };
}
