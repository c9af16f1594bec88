/**
 * `quorum feedback RUN STEP --rating 0..1`: a person's judgement of a step's output. Stored as given,
 * and turned into one quality observation per model that wrote the step's documents, for the step's
 * task type, so the router learns from it on the next run.
 */
import { randomUUID } from "node:crypto";
import type { Command } from "commander";
import { loadPinnedWorkflow } from "../../runtime/index.js";
import type { JournalEntry, QualityObservation, Step } from "../../spec/index.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { openRuntime } from "../runtime-context.js";
import { requireStep } from "./explain.js";

interface FeedbackOptions {
  rating: string;
  comment?: string;
  as?: string;
  db?: string;
  json?: boolean;
}

export function registerFeedback(program: Command, io: Io): void {
  program
    .command("feedback")
    .description("Rate a step's output from 0 (useless) to 1 (perfect); the router learns from it")
    .argument("<run>", "run id")
    .argument("<step>", "step id")
    .requiredOption("--rating <n>", "a number from 0 to 1")
    .option("--comment <text>", "why")
    .option("--as <name>", "who rates (recorded)")
    .option("--db <url>", "store URL")
    .option("--json", "print as JSON")
    .action(async (runId: string, stepId: string, options: FeedbackOptions) => {
      const rating = parseRating(options.rating);
      const open = await openRuntime({ db: options.db });
      try {
        const run = await open.runtime.requireRun(runId);
        const workflow = await loadPinnedWorkflow(open.runtime.deps, run.definitionHash);
        requireStep(
          workflow.steps.map((s) => s.id),
          runId,
          stepId,
        );
        const entries = await open.store.readEvents(runId);
        const step = workflow.steps.find((s) => s.id === stepId)!;
        const models = modelsOfStep(entries, stepId);
        const taskType = taskTypeOfStep(entries, step);
        const id = randomUUID();
        const atMs = Date.now();
        await open.store.recordFeedback({
          id,
          runId,
          stepId,
          rating,
          ...(options.comment ? { comment: options.comment } : {}),
          ...(options.as ? { ratedBy: options.as } : {}),
          atMs,
        });
        const observations: QualityObservation[] = models.map((model) => ({
          id: `feedback/${id}/${model}`,
          taskType,
          model,
          score: rating,
          source: "feedback",
          runId,
          stepId,
          atMs,
        }));
        await open.store.recordQualityObservations(observations);
        const result = { id, runId, stepId, rating, taskType, models };
        if (options.json) io.out(JSON.stringify(result, null, 2));
        else
          io.out(
            models.length > 0
              ? `recorded rating ${rating} for ${stepId}; the router learns it for ${models.join(", ")} on ${taskType} tasks`
              : `recorded rating ${rating} for ${stepId}; no model produced its output yet, so there is nothing for the router to learn`,
          );
        io.exit(exitCodes.ok);
      } finally {
        await open.close();
      }
    });
}

function parseRating(text: string): number {
  const rating = Number(text);
  if (text.trim() === "" || !Number.isFinite(rating) || rating < 0 || rating > 1)
    throw new CliError(
      `--rating must be a number from 0 (useless) to 1 (perfect), got '${text}'; for example --rating 0.8`,
    );
  return rating;
}

/** The models that wrote the step's latest documents; else those that answered its calls. */
export function modelsOfStep(entries: readonly JournalEntry[], stepId: string): string[] {
  const latest = new Map<string, string>();
  const answered = new Set<string>();
  for (const { event } of entries) {
    if (event.type === "document-version" && event.stepId === stepId && event.model)
      latest.set(event.documentId, event.model);
    if (event.type === "model-call-end" && event.stepId === stepId && event.outcome === "ok")
      answered.add(event.model);
  }
  return [...new Set(latest.size > 0 ? latest.values() : answered)];
}

/** The task type the step was routed for (its last decision), else its routing hints, else general. */
export function taskTypeOfStep(entries: readonly JournalEntry[], step: Step): string {
  let recorded: string | undefined;
  for (const { event } of entries)
    if (event.type === "route-decision" && event.stepId === step.id && event.taskType)
      recorded = event.taskType;
  return recorded ?? ("routing" in step ? step.routing?.task : undefined) ?? "general";
}
