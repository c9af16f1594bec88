/**
 * Errors the model layer throws once it has given up on a call. The fields drive the caller's next
 * move (retry the step later or fail it), so nobody parses the message; the message itself lists every
 * attempt so a user sees at once which models were tried and why each failed. Keys never appear in it:
 * the model layer redacts attempt messages before they get here.
 */

import type { SecurityEventKind } from "../spec/index.js";

/**
 * Something the model layer blocked during a call, for the runtime to journal as a `security-event`
 * (the model layer has no journal). `detail` never holds prompt content or a secret.
 */
export interface SecurityNotice {
  readonly kind: SecurityEventKind;
  readonly detail: string;
}

/** One failed (or skipped) attempt inside a model call. */
export interface ModelAttemptFailure {
  /** `provider/model`. */
  readonly model: string;
  /** HTTP status the provider answered with, absent for network errors, timeouts and skips. */
  readonly status?: number;
  /** What went wrong, already redacted. */
  readonly message: string;
}

/**
 * Every candidate model failed, or none could be used. `isRetryable` is true when at least one
 * candidate failed only for transient reasons (429, 5xx, network, timeout): the same call may succeed
 * later. It is false when nothing could succeed without a change (no provider configured, sensitive
 * content with no local provider, every answer a 4xx).
 */
export class ModelCallError extends Error {
  override name = "ModelCallError";
  readonly isRetryable: boolean;
  readonly attempts: readonly ModelAttemptFailure[];
  /** The shortest wait a provider announced (Retry-After) before the call could work, when known. */
  readonly retryAfterMs?: number;
  /** What the failed attempts were billed (those that returned usage), when their prices are known. */
  readonly costUsd?: number;
  /** What the model layer blocked during the call (fail-closed privacy, a redacted key). */
  readonly security?: readonly SecurityNotice[];
  /** Class of the last attempt that reached a provider (`refusal`, `rate-limit`, `server`...). */
  readonly errorClass?: string;

  constructor(
    summary: string,
    fields: {
      attempts: readonly ModelAttemptFailure[];
      isRetryable: boolean;
      retryAfterMs?: number;
      costUsd?: number;
      security?: readonly SecurityNotice[];
      errorClass?: string;
    },
    options?: { cause?: unknown },
  ) {
    super(modelCallMessage(summary, fields.attempts), options);
    this.isRetryable = fields.isRetryable;
    this.attempts = fields.attempts;
    if (fields.retryAfterMs !== undefined) this.retryAfterMs = fields.retryAfterMs;
    if (fields.costUsd !== undefined) this.costUsd = fields.costUsd;
    if (fields.security && fields.security.length > 0) this.security = fields.security;
    if (fields.errorClass !== undefined) this.errorClass = fields.errorClass;
  }
}

function modelCallMessage(summary: string, attempts: readonly ModelAttemptFailure[]): string {
  if (attempts.length === 0) return summary;
  const lines = attempts.map(
    (attempt, index) =>
      `  ${index + 1}. ${attempt.model}${attempt.status === undefined ? "" : ` (HTTP ${attempt.status})`}: ${attempt.message}`,
  );
  return `${summary}\nAttempts:\n${lines.join("\n")}`;
}
