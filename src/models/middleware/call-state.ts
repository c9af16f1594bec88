/**
 * Everything one `generate` call learned across its attempts: the failures the final error lists, the
 * cost of every attempt that returned usage (failed ones included: a provider bills them), whether any
 * candidate gave up for transient reasons, the shortest Retry-After seen, and the attempt trace the
 * journal records. One per call, written by the middlewares, read once by the client at the end.
 */
import type { ModelAttemptFailure } from "../../errors/index.js";
import type { ModelAttemptTrace } from "../../spec/index.js";
import { lookupModel, type QuorumCatalog } from "../catalog/index.js";
import { costUsd, priceForPrompt, type TokenUsage } from "../cost.js";

export class CallState {
  readonly failures: ModelAttemptFailure[] = [];
  readonly attempts: ModelAttemptTrace[] = [];
  /** True once a candidate was given up on a transient failure, so the call may work later. */
  transientExhaustion = false;
  shortestRetryAfterMs: number | undefined;
  /** The candidate that answered, set by the fallback middleware. */
  answeredBy: string | undefined;
  private costMicroUsd = 0;
  private unpriced = false;

  constructor(
    private readonly catalog: QuorumCatalog,
    /** Scrubs secrets from every message before it is stored. */
    readonly redact: (text: string) => string = (text) => text,
  ) {}

  fail(failure: ModelAttemptFailure): void {
    this.failures.push({ ...failure, message: this.redact(failure.message) });
  }

  trace(attempt: ModelAttemptTrace): void {
    this.attempts.push(attempt);
  }

  noteRetryAfter(ms: number): void {
    if (this.shortestRetryAfterMs === undefined || ms < this.shortestRetryAfterMs)
      this.shortestRetryAfterMs = ms;
  }

  /**
   * Adds one attempt's bill and returns it in USD; a model without a known price makes the whole
   * call's cost unknown (and returns undefined).
   */
  addUsage(ref: string, usage: TokenUsage): number | undefined {
    const model = lookupModel(this.catalog, ref);
    const price = model ? priceForPrompt(model, usage.inputTokens) : undefined;
    if (!price) {
      if (usage.inputTokens > 0 || usage.outputTokens > 0) this.unpriced = true;
      return undefined;
    }
    const micro = costUsd(usage, price).costMicroUsd;
    this.costMicroUsd += micro;
    return micro / 1_000_000;
  }

  /** Exact USD of every priced attempt, or undefined when any billed attempt had no price. */
  costUsd(): number | undefined {
    return this.unpriced ? undefined : this.costMicroUsd / 1_000_000;
  }
}
