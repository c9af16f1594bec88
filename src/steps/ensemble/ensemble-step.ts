/**
 * `ensemble` steps: the same prompt to every model in `models` at once, each member's answer
 * validated against the output schema with bounded re-asks (like a model step), then one document
 * from the valid answers by `combine.strategy`. Partial failure is tolerated: the step succeeds
 * when at least `combine.minSuccesses` (default 1) members gave a valid document, and fails
 * (retryably) otherwise.
 *
 * Members start in list order and re-ask in lockstep (see `askValid`), so a resumed attempt finds
 * each finished member's calls in the journal and calls only what was in flight.
 */
import { renderTemplate } from "../../definition/index.js";
import type { EnsembleStep, JsonValue } from "../../spec/index.js";
import { lookupPath } from "../lookup.js";
import { chooseDocumentModels, documentRequest } from "../model/request.js";
import { askValid } from "../model/valid-answers.js";
import type { StepContext, StepExecutor, StepOutcome } from "../types.js";
import { type Candidate, type Combined, firstValid, vote } from "./combine.js";
import { bestScoreCombine, judgeCombine, mergeCombine } from "./judge-combine.js";

export const ensembleStep: StepExecutor = {
  async execute(context: StepContext): Promise<StepOutcome> {
    const step = context.step;
    if (step.kind !== "ensemble") throw new Error("ensemble executor given another kind");
    if (!step.prompt) return failed("NoPrompt", `step '${step.id}' has no prompt`, false);
    const outputId = step.outputs[0]!;
    const schema = context.workflow.documents[outputId]?.schema;
    const variables = await context.variables({ feedback: context.feedback.join("\n\n"), answers: "" });
    const task = renderTemplate(step.prompt.text, (path) => lookupPath(variables, path));

    // Named members are kept as named (minus hosted ones for sensitive content); with none, the router's picks.
    const memberModels = await chooseDocumentModels(context, schema, "ensemble-members");
    const slots = memberModels.map((model) => ({
      request: documentRequest(context, task, [model], schema, outputId),
      schema,
    }));
    const results = await askValid(context, slots, { concurrency: slots.length });
    const candidates: Candidate[] = [];
    const members = results.map((result, member): Record<string, JsonValue> => {
      const listed = memberModels[member]!;
      if (!result) return { model: listed, ok: false };
      if (!result.ok)
        return { model: listed, ok: false, repairs: result.repairs, error: result.error.message };
      candidates.push({ member, model: result.model, text: result.text, value: result.value });
      return {
        model: listed,
        ok: true,
        repairs: result.repairs,
        ...(result.model !== listed ? { answeredBy: result.model } : {}),
      };
    });
    const dryRun = results.some((r) => r?.ok && r.dryRun);
    const minSuccesses = step.combine.minSuccesses ?? 1;
    const record = { strategy: step.combine.strategy, minSuccesses, succeeded: candidates.length, members };
    if (candidates.length < minSuccesses)
      return failed(
        "EnsembleFailed",
        `ensemble '${step.id}': ${candidates.length} of ${memberModels.length} members gave a valid document, ${minSuccesses} needed; ${members
          .filter((m) => !m.ok)
          .map((m) => `${m.model}: ${"error" in m ? m.error : "not started"}`)
          .join("; ")}`,
        true,
      );

    const combined = await combine(context, step, task, candidates, schema);
    if ("unfit" in combined) {
      if (!context.dryRun)
        return failed(
          "CombineFailed",
          `ensemble '${step.id}': the ${step.combine.strategy} answer is unusable: ${combined.unfit}`,
          true,
        );
      // A dry run's stub judge cannot judge: take the first valid member, and say so.
      return done(
        outputId,
        firstValid(
          candidates,
          `dry run: ${step.combine.strategy} fell back to the first valid member (${combined.unfit})`,
        ),
        record,
        true,
      );
    }
    // Like a gate's stub judge: the path ran, but nothing was judged.
    const stubJudged = context.dryRun && combined.details?.judge !== undefined && !combined.note;
    const noted = stubJudged
      ? { ...combined, note: "dry run: the judge was a stub, its choice means nothing" }
      : combined;
    return done(outputId, noted, record, dryRun || context.dryRun);
  },
};

/** One valid candidate needs no judge: it wins, and no model is paid to say so. */
async function combine(
  context: StepContext,
  step: EnsembleStep,
  task: string,
  candidates: Candidate[],
  schema: Record<string, unknown> | undefined,
): Promise<Combined | { unfit: string }> {
  const strategy = step.combine.strategy;
  if (candidates.length === 1 && strategy !== "first-valid" && strategy !== "vote")
    return { ...firstValid(candidates), reasons: "the only valid answer" };
  switch (strategy) {
    case "first-valid":
      return firstValid(candidates);
    case "vote":
      return vote(candidates);
    case "judge":
      return judgeCombine(context, step, task, candidates);
    case "best-score":
      return bestScoreCombine(context, step, task, candidates);
    case "merge":
      return mergeCombine(context, step, task, candidates, schema);
  }
}

function done(
  outputId: string,
  combined: Combined,
  record: Record<string, JsonValue>,
  dryRun: boolean,
): StepOutcome {
  const output: Record<string, JsonValue> = {
    ...record,
    ...(combined.winner !== undefined ? { winner: combined.winner } : { merged: true }),
    model: combined.model,
    ...(combined.reasons !== undefined ? { reasons: combined.reasons } : {}),
    ...combined.details,
    ...(combined.note ? { note: combined.note } : {}),
    ...(dryRun ? { dryRun: true } : {}),
  };
  return { type: "done", documents: { [outputId]: combined.text }, model: combined.model, output };
}

const failed = (name: string, message: string, retryable: boolean): StepOutcome => ({
  type: "failed",
  error: { name, message },
  retryable,
});
