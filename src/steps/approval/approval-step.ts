/**
 * `approval` steps: the run waits for `quorum approve|reject`. A rejection sends the
 * `onReject.remediate` targets to a new round with the comment, or fails the run.
 */
import { renderTemplate } from "../../definition/index.js";
import { lookupPath } from "../lookup.js";
import type { StepContext, StepExecutor, StepOutcome } from "../types.js";

/** Rejections that may send work back before the run fails. */
export const maxRejectionRounds = 3;

export interface ApprovalResponse {
  decision: "approve" | "reject";
  comment?: string;
}

export const approvalStep: StepExecutor = {
  async execute(context: StepContext): Promise<StepOutcome> {
    const step = context.step;
    if (step.kind !== "approval") throw new Error("approval executor given another kind");
    const variables = await context.variables();
    const message = step.message
      ? renderTemplate(step.message, (path) => lookupPath(variables, path))
      : `Approve step '${step.id}' of workflow '${context.workflow.name}'?`;
    // `timeout:` + `onTimeout:` on an approval: the default decision once nobody answered in time.
    const expiry =
      step.timeoutMs !== undefined && step.onTimeout !== undefined
        ? {
            afterMs: step.timeoutMs,
            response: {
              decision: step.onTimeout,
              comment: `no decision within ${step.timeoutMs} ms; the step's onTimeout is '${step.onTimeout}'`,
            },
          }
        : undefined;
    const reply = await context.humanInput("approval", message, undefined, expiry);
    if (reply.status === "waiting") return { type: "waiting" };
    const response = reply.response as unknown as ApprovalResponse;
    const by = reply.respondedBy ?? "someone";
    const output = {
      decision: response.decision,
      by,
      ...(response.comment ? { comment: response.comment } : {}),
    };
    if (response.decision === "approve") return { type: "done", documents: {}, output };
    const why = `Rejected by ${by}${response.comment ? `: ${response.comment}` : ""}`;
    if (step.onReject !== "fail" && context.round <= maxRejectionRounds)
      return { type: "remediate", targets: step.onReject.remediate, feedback: [why], output };
    return { type: "failed", error: { name: "Rejected", message: why }, retryable: false };
  },
};
