/**
 * Clarification inside a `map` (`ask:`): any item may answer with questions instead of its
 * result. Every asking item gets its own human-input request, keyed by its index so the ids do
 * not depend on which call finished first; the run waits until all of them are answered (each
 * answer can come from a different process), then the asking items are asked again, in one
 * lockstep phase, with their questions and answers in the prompt.
 */
import type { ModelRequest } from "../../spec/index.js";
import { clarificationQuestions } from "../model/model-step.js";
import { type AnswerSlot, askValid, type SlotResult } from "../model/valid-answers.js";
import type { StepContext } from "../types.js";

export async function answerQuestions(
  context: StepContext,
  slots: readonly AnswerSlot[],
  /** Each item's request without the ask instruction, and the schema of one result. */
  plain: (index: number) => ModelRequest,
  itemSchema: Record<string, unknown> | undefined,
  answers: Array<SlotResult | undefined>,
  concurrency: number,
): Promise<"waiting" | Array<SlotResult | undefined>> {
  const asking: Array<{ index: number; questions: string[] }> = [];
  for (const [index, answer] of answers.entries()) {
    const questions = answer?.ok ? clarificationQuestions(answer.text) : undefined;
    if (questions) asking.push({ index, questions });
  }
  if (asking.length === 0) return answers;
  let waiting = false;
  const replies = new Map<number, string>();
  for (const { index, questions } of asking) {
    const prompt = `Item ${index}:\n${questions.map((q, i) => `${i + 1}. ${q}`).join("\n")}`;
    const reply = await context.humanInput("clarification", prompt, `item${index}`);
    if (reply.status === "waiting") waiting = true;
    else
      replies.set(
        index,
        typeof reply.response === "string" ? reply.response : JSON.stringify(reply.response),
      );
  }
  if (waiting) return "waiting";
  const again: AnswerSlot[] = asking.map(({ index, questions }) => ({
    request: {
      ...plain(index),
      prompt: `${plain(index).prompt}\n\nQuestions:\n${questions.join("\n")}\nAnswers:\n${replies.get(index)}`,
    },
    schema: itemSchema ?? slots[index]!.schema,
  }));
  const followUp = await askValid(context, again, { concurrency });
  const merged = [...answers];
  asking.forEach(({ index }, k) => {
    merged[index] = followUp[k];
  });
  return merged;
}
