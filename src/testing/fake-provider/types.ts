/**
 * Plain-data vocabulary of the fake provider: what a test scripts (replies), what the server
 * records (requests, per-key counters) and how it is configured. Replies are tagged by `type` so
 * a script reads like a list of facts and the server's switch over them is exhaustive.
 */
import type { TokenUsage } from "../../models/cost.js";

/** Which wire protocol a request spoke. */
export type Wire = "openai" | "anthropic" | "gemini";

/** Delays shared by every reply that sends a response. */
export interface Timing {
  /** Wait this long before sending the status line. */
  latencyMs?: number;
  /** Wait this long between streamed chunks. */
  chunkDelayMs?: number;
}

/** Content replies. `usage` follows the AI SDK semantics (cached within input, reasoning within output). */
interface ContentBase extends Timing {
  usage?: Partial<TokenUsage>;
  /** Characters per streamed text delta (default 8). */
  chunkChars?: number;
}

export type FakeReply =
  /** Plain text; `finishReason` "length" mimics hitting max tokens, "refusal" a safety refusal. */
  | (ContentBase & { type: "text"; text: string; finishReason?: "stop" | "length" | "refusal" })
  /**
   * A refusal as a newer OpenAI model sends it: `message.refusal` (streamed as `delta.refusal`) with
   * `finish_reason: "stop"`. On the Anthropic wire it is `stop_reason: "refusal"`, its only form.
   */
  | (ContentBase & { type: "refusal-message"; text: string })
  /** A JSON document: text on OpenAI; the `json` tool call when the Anthropic client asked for one. */
  | (ContentBase & { type: "json"; value: unknown })
  /** Function/tool calls with their arguments. */
  | (ContentBase & { type: "tool-calls"; calls: Array<{ name: string; input: unknown }> })
  /** Whatever the default responder would send (schema example or default text). */
  | (Timing & { type: "default" })
  /** An HTTP error in the wire's own error shape, optionally with a Retry-After window. */
  | (Timing & {
      type: "error";
      status: number;
      /** Provider error type (`rate_limit_error`, `overloaded_error`, ...); derived from status if absent. */
      errorType?: string;
      message?: string;
      /** `retry-after: <seconds>`. */
      retryAfterSeconds?: number;
      /** `retry-after-ms: <ms>` (OpenAI-style, read by the AI SDK). */
      retryAfterMs?: number;
      /** `retry-after: <HTTP-date>`. */
      retryAfterDate?: Date;
      headers?: Record<string, string>;
    })
  /** Accept the request and never answer; ends only when the client aborts or the server stops. */
  | { type: "hang" }
  /** Status 200, then an error event before any token (a stream) or an error body (non-streaming). */
  | (Timing & { type: "stream-error"; errorType?: string; message?: string })
  /** Status 200 with a body (or SSE data line) that is not valid JSON. */
  | (Timing & { type: "malformed"; body?: string })
  /** Send headers (and `afterChunks` text deltas when streaming), then destroy the socket. */
  | (Timing & { type: "disconnect"; afterChunks?: number; text?: string });

/** Plain-data filter for a scripted reply; every field given must match. */
export interface RequestMatch {
  wire?: Wire;
  model?: string;
  stream?: boolean;
  /** The full API key the request must carry. */
  apiKey?: string;
}

/** A queued reply: used once (or `times` times) by the first request it matches. */
export type ScriptEntry = FakeReply & { match?: RequestMatch; times?: number };

/** A reply computed from the request; `undefined` passes to the next responder / the default. */
export type Responder = (request: RecordedRequest) => FakeReply | undefined;

export interface RecordedRequest {
  /** 1-based arrival order. */
  seq: number;
  method: string;
  path: string;
  wire?: Wire;
  /** Lower-cased header names; API keys redacted to their last 4 characters. */
  headers: Record<string, string>;
  /** Parsed JSON body, or the raw text when it was not JSON. */
  body: unknown;
  model?: string;
  stream: boolean;
  /** `…abcd` for the key the request carried, `(none)` without one. */
  apiKeyHint: string;
  receivedAtMs: number;
  /** Set once the status line is sent. */
  status?: number;
  /** What the server did with it (`text`, `error`, `rate-limited`, `hang`, ...). */
  outcome?: string;
  /** True when the client closed the connection before the response was complete. */
  clientAborted: boolean;
  /** Arrived while a Retry-After this server announced for the same key was still running. */
  insideRetryAfterWindow: boolean;
}

export interface KeyCounters {
  requests: number;
  /** Rejected by the enforced requests-per-minute limit. */
  overLimit: number;
  /** Arrived before an announced Retry-After had elapsed. */
  insideRetryAfterWindow: number;
  inFlight: number;
  maxInFlight: number;
  /** Count per status code sent. */
  statuses: Record<string, number>;
}

export interface RateLimit {
  /** Accepted requests per window per API key. */
  requestsPerWindow: number;
  /** Window length; 60 000 for requests-per-minute. Tests use short windows. */
  windowMs?: number;
}

export interface FakeProviderOptions {
  /** When set, other keys get 401 in the wire's error shape. */
  apiKeys?: string[];
  /** Enforced per key (sliding window over accepted requests). */
  rateLimit?: RateLimit;
  /** Per-key limits overriding `rateLimit` (full key -> limit). */
  rateLimitByKey?: Record<string, RateLimit>;
  /** Text the default responder sends when no schema is requested. Default `"OK"`. */
  defaultText?: string;
  /** Ids served by `GET /v1/models`. */
  models?: string[];
  /** Clock, for tests that need exact windows. Default `Date.now`. */
  now?: () => number;
}
