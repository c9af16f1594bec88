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
}

export interface ModelUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens?: number;
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
  /** Every attempt the model layer made for this call, for the journal (key aliases, never keys). */
  readonly trace?: ModelCallTrace;
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

export interface ModelCallOptions {
  readonly signal?: AbortSignal;
  /**
   * The journal's key for this call: the same call after a crash or in a replay has the same key.
   * Usable as an idempotency key; `quorum replay` answers calls by it.
   */
  readonly callKey?: string;
  /** The run this call belongs to: sticky key rotation keeps one key per run (prompt-cache hits). */
  readonly runId?: string;
}

export interface ModelClient {
  readonly specificationVersion: "v1";
  generate(request: ModelRequest, options?: ModelCallOptions): Promise<ModelResponse>;
}
