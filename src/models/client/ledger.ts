/**
 * Everything one `generate` call learned across its attempts: the failures the final error lists, the
 * cost of every attempt that returned usage (failed ones included: a provider bills them), whether any
 * candidate gave up for transient reasons, and the shortest Retry-After seen.
 */
import type { ModelAttemptFailure } from "../../errors/index.js";
import { lookupModel, type QuorumCatalog } from "../catalog/index.js";
import { costUsd, priceForPrompt, type TokenUsage } from "../cost.js";

export class CallLedger {
  readonly failures: ModelAttemptFailure[] = [];
  /** True once a candidate was given up on a transient failure, so the call may work later. */
  transientExhaustion = false;
  shortestRetryAfterMs: number | undefined;
  private costMicroUsd = 0;
  private unpriced = false;

  constructor(private readonly catalog: QuorumCatalog) {}

  fail(failure: ModelAttemptFailure): void {
    this.failures.push(failure);
  }

  noteRetryAfter(ms: number): void {
    if (this.shortestRetryAfterMs === undefined || ms < this.shortestRetryAfterMs)
      this.shortestRetryAfterMs = ms;
  }

  /** Adds one attempt's bill; a model without a known price makes the whole call's cost unknown. */
  addUsage(ref: string, usage: TokenUsage): void {
    const model = lookupModel(this.catalog, ref);
    const price = model ? priceForPrompt(model, usage.inputTokens) : undefined;
    if (!price) {
      if (usage.inputTokens > 0 || usage.outputTokens > 0) this.unpriced = true;
      return;
    }
    this.costMicroUsd += costUsd(usage, price).costMicroUsd;
  }

  /** Exact USD of every priced attempt, or undefined when any billed attempt had no price. */
  costUsd(): number | undefined {
    return this.unpriced ? undefined : this.costMicroUsd / 1_000_000;
  }
}
