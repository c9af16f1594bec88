/**
 * `onExceed: ask`: a call that would exceed such a budget becomes an approval request instead of a
 * failure. The run waits (a durable state, resumable from a cold process); when a person approves, the
 * step runs again and this call is made with `budgetApproved`; a rejection fails the step. The request
 * is journaled like any other human input, so it is asked once and answered once.
 */
import { BudgetExceededError } from "../errors/index.js";
import type {
  ModelCallContext,
  ModelCallOptions,
  ModelClient,
  ModelRequest,
  ModelResponse,
} from "../spec/index.js";
import type { HumanInputResult } from "../steps/types.js";

/** Thrown through the executor when the step must wait for a person; the runtime treats it as `waiting`. */
export class StepWaitingError extends Error {
  override name = "StepWaitingError";
  readonly isRetryable = false;
}

export function generateWithBudgetApproval(
  models: ModelClient,
  request: ModelRequest,
  options: ModelCallOptions,
  ask: (prompt: string) => Promise<HumanInputResult>,
): Promise<ModelResponse> {
  // A plain promise chain on the path every call takes (an async function's frame per call adds up in a
  // wide fan-out); the approval is the rare branch.
  let answer: Promise<ModelResponse>;
  try {
    answer = models.generate(request, options);
  } catch (error) {
    answer = Promise.reject(error); // a client that throws instead of rejecting
  }
  return answer.catch((error: unknown) => {
    if (!(error instanceof BudgetExceededError) || error.policy !== "ask" || options.context === undefined)
      throw error;
    return askToExceed(models, request, options, options.context, ask, error);
  });
}

async function askToExceed(
  models: ModelClient,
  request: ModelRequest,
  options: ModelCallOptions,
  context: ModelCallContext,
  ask: (prompt: string) => Promise<HumanInputResult>,
  error: BudgetExceededError,
): Promise<ModelResponse> {
  const reply = await ask(
    `${error.message}\nApprove to let this call exceed the budget, or reject to fail the step.`,
  );
  if (reply.status === "waiting")
    throw new StepWaitingError(`step '${error.stepId}' waits for approval to exceed its budget`);
  const response = reply.response as { decision?: string; comment?: string } | null;
  if (response?.decision !== "approve")
    throw new BudgetExceededError({
      scope: error.scope,
      stepId: error.stepId,
      limitMicroUsd: error.limitMicroUsd,
      spentMicroUsd: error.spentMicroUsd,
      estimateMicroUsd: error.estimateMicroUsd,
      models: request.models,
      policy: "stop",
      rejectedBy: reply.respondedBy ?? "a person",
    });
  return models.generate(request, { ...options, context: { ...context, budgetApproved: true } });
}
