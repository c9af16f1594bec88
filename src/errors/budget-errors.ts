/**
 * Errors of the cost layer: a budget that a call would exceed, and a prompt no candidate model can
 * hold. Both are user-fixable, so `isRetryable` is false (retrying the step would fail the same way)
 * and the message says what to change and where.
 */

/** Where a budget is declared, for the message. */
const budgetSource = {
  run: "the run budget (`budget:` at the top of the workflow file)",
  step: "the step budget (`budget:` on the step, or `defaults.budget`)",
  day: "the daily budget (`budgets.daily` in quorum.config.yaml)",
} as const;

const usd = (microUsd: number): string => `$${(microUsd / 1_000_000).toFixed(6).replace(/0{1,4}$/, "")}`;

export class BudgetExceededError extends Error {
  override name = "BudgetExceededError";
  readonly isRetryable = false;
  readonly scope: "run" | "step" | "day";
  readonly stepId: string;
  readonly limitMicroUsd: number;
  readonly spentMicroUsd: number;
  readonly estimateMicroUsd: number;
  /** The policy of the exceeded budget: stop, downgrade (no cheaper candidate fit), or ask (approval needed). */
  readonly policy: "stop" | "downgrade" | "ask";

  constructor(fields: {
    scope: "run" | "step" | "day";
    stepId: string;
    limitMicroUsd: number;
    spentMicroUsd: number;
    estimateMicroUsd: number;
    models: readonly string[];
    policy: "stop" | "downgrade" | "ask";
    /** Who rejected exceeding an `ask` budget. */
    rejectedBy?: string;
  }) {
    const policyNote = fields.rejectedBy
      ? ` Exceeding it was rejected by ${fields.rejectedBy}.`
      : fields.policy === "downgrade"
        ? " No cheaper candidate fits either (downgrade tried every model listed for the step, then the cheaper capable models of the catalog)."
        : fields.policy === "ask"
          ? " It needs a person's approval to go on (quorum inbox / quorum approve)."
          : "";
    super(
      `Step '${fields.stepId}' was stopped by ${budgetSource[fields.scope]}: ${usd(fields.limitMicroUsd)} allowed, ` +
        `${usd(fields.spentMicroUsd)} already spent or reserved, and the next call to ${fields.models.join(", ") || "the model"} ` +
        `may cost up to ${usd(fields.estimateMicroUsd)}.${policyNote} Raise the budget's \`usd\`, list a cheaper model ` +
        "with `onExceed: downgrade`, or lower the step's output size.",
    );
    this.scope = fields.scope;
    this.stepId = fields.stepId;
    this.limitMicroUsd = fields.limitMicroUsd;
    this.spentMicroUsd = fields.spentMicroUsd;
    this.estimateMicroUsd = fields.estimateMicroUsd;
    this.policy = fields.policy;
  }
}

export class ContextWindowError extends Error {
  override name = "ContextWindowError";
  readonly isRetryable = false;
  readonly stepId: string;
  readonly tokensNeeded: number;
  readonly largestWindowTokens: number;

  constructor(fields: {
    stepId: string;
    tokensNeeded: number;
    largestWindowTokens: number;
    largestModel: string;
  }) {
    super(
      `Step '${fields.stepId}' needs about ${fields.tokensNeeded.toLocaleString("en-US")} tokens (prompt plus ` +
        `reserved output), but the largest context window among its models is ` +
        `${fields.largestWindowTokens.toLocaleString("en-US")} (${fields.largestModel}). List a model with a ` +
        "larger window in the step's `models`, or give the step fewer or shorter input documents.",
    );
    this.stepId = fields.stepId;
    this.tokensNeeded = fields.tokensNeeded;
    this.largestWindowTokens = fields.largestWindowTokens;
  }
}
