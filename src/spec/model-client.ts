/**
 * The contract between steps and the model layer (v1). A step asks for one generation; the model
 * layer routes, limits, retries, falls back and prices it. Steps never see providers or keys.
 */

export interface ModelRequest {
  /** Candidates in order of preference (`provider/model`); the model layer may fall back along them. */
  readonly models: readonly string[];
  readonly system?: string;
  readonly prompt: string;
  /** JSON Schema the answer must satisfy; the answer is then JSON text. */
  readonly schema?: Record<string, unknown>;
  readonly schemaName?: string;
  readonly maxOutputTokens?: number;
  readonly temperature?: number;
  /** Content must stay on local models. */
  readonly sensitive?: boolean;
  /**
   * Tools the model may call instead of answering (agent steps). The model layer only relays them:
   * it never runs a tool; calls come back in `ModelResponse.toolCalls`.
   */
  readonly tools?: readonly ModelTool[];
  /**
   * The conversation after `prompt`, for a multi-turn exchange: earlier answers, their tool calls
   * and the tools' results, so turn N sees everything before it.
   */
  readonly messages?: readonly ModelMessage[];
}

export interface ModelTool {
  /** Unique within the request; letters, digits, `_` and `-` (what every provider accepts). */
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the arguments object. */
  readonly inputSchema: Record<string, unknown>;
}

/** A tool call the model asked for; `id` pairs it with its result in the next turn. */
export interface ModelToolCall {
  readonly id: string;
  readonly name: string;
  readonly args: Record<string, unknown>;
}

/** One message of a continued conversation, tagged by `role`. */
export type ModelMessage =
  | { readonly role: "assistant"; readonly text: string; readonly toolCalls?: readonly ModelToolCall[] }
  | {
      readonly role: "tool";
      readonly results: ReadonlyArray<{
        readonly id: string;
        readonly name: string;
        readonly output: string;
        readonly isError?: boolean;
      }>;
    }
  | { readonly role: "user"; readonly text: string };

export interface ModelUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache (Anthropic bills them above the input price). */
  readonly cacheWriteTokens?: number;
  readonly reasoningTokens?: number;
}

export interface ModelResponse {
  readonly text: string;
  /** The model that answered. */
  readonly model: string;
  readonly usage: ModelUsage;
  /** Exact cost of this call including failed attempts inside the model layer, when prices are known. */
  readonly costUsd?: number;
  readonly finishReason?: string;
  /** Produced by the schema-driven dry-run stub, not a real model. */
  readonly dryRun?: boolean;
  /** Tools the model wants called before it answers (only when the request offered `tools`). */
  readonly toolCalls?: readonly ModelToolCall[];
  /** Answered from the response cache: nothing was sent and nothing paid (`costUsd` 0). */
  readonly cacheHit?: boolean;
  /** Every attempt the model layer made for this call, for the journal (key aliases, never keys). */
  readonly trace?: ModelCallTrace;
  /** A budget's `downgrade` policy sent this call to cheaper models than the step asked for, and why. */
  readonly budgetDowngrade?: BudgetDowngrade;
}

/**
 * Why and where a call was downgraded by a budget: the runtime journals it (`budget-downgrade`) so
 * `quorum explain` and the journal say which budget moved the step to which models.
 */
export interface BudgetDowngrade {
  /** The budget that refused the dearer reservation. */
  readonly scope: "run" | "step" | "day";
  /** The candidates the call came with. */
  readonly fromModels: readonly string[];
  /** The candidates it was made with, in the order tried. */
  readonly toModels: readonly string[];
  /** `step`: cheaper models the step listed; `catalog`: cheaper capable models from the whole catalog. */
  readonly source: "step" | "catalog";
  /** One sentence: the limit, what was spent, what the dearer call may have cost. */
  readonly reason: string;
}

/** One attempt inside a call: which model and key alias, how long, how it ended, what it cost. */
export interface ModelAttemptTrace {
  /** `provider/model`. */
  readonly model: string;
  /** The environment variable the key came from (`GROQ_API_KEY_2`), `(none)` for keyless servers. */
  readonly keyAlias: string;
  readonly latencyMs: number;
  readonly ttftMs?: number;
  readonly outcome: "ok" | "failed" | "aborted";
  /** Why it failed (`rate-limit`, `server`, `timeout`, `context-length`, ...). */
  readonly errorClass?: string;
  readonly status?: number;
  readonly costUsd?: number;
}

export interface ModelCallTrace {
  readonly attempts: readonly ModelAttemptTrace[];
}

/** A limit the budget wrapper enforces for one call, and what to do when a call would exceed it. */
export interface CallBudget {
  readonly scope: "run" | "step" | "day";
  readonly usd: number;
  readonly onExceed: "stop" | "downgrade" | "ask";
}

/**
 * Who is calling, for the middleware that needs it (budgets, cache, context fitting, cost ledger):
 * the runtime fills it in; a bare client ignores it.
 */
export interface ModelCallContext {
  readonly runId: string;
  readonly workflowName: string;
  readonly stepId: string;
  readonly attempt: number;
  /** Run and step budgets declared in the workflow (per-day budgets come from the project config). */
  readonly budgets?: readonly CallBudget[];
  /** Opt-in exact-response cache for this step, with its time to live. */
  readonly cacheTtlMs?: number;
  /** A person approved exceeding the budgets whose policy is `ask`, for this call. */
  readonly budgetApproved?: boolean;
}

export interface ModelCallOptions {
  readonly signal?: AbortSignal;
  /**
   * The journal's key for this call: the same call after a crash or in a replay has the same key.
   * Usable as an idempotency key; `quorum replay` answers calls by it.
   */
  readonly callKey?: string;
  /** Run and step this call belongs to; absent for calls made outside a run. */
  readonly context?: ModelCallContext;
  /** The run this call belongs to: sticky key rotation keeps one key per run (prompt-cache hits). */
  readonly runId?: string;
}

export interface ModelClient {
  readonly specificationVersion: "v1";
  generate(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse>;
}
