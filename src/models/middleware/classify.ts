/**
 * What one failed attempt means for the retry loop, decided from the error the AI SDK threw. The
 * classes map one-to-one to moves: `retryable` waits and tries the same model again, `auth` drops the
 * key and tries the next one, `fatal` moves on to the next candidate, and an abort ends the call.
 */
import {
  APICallError,
  EmptyResponseBodyError,
  InvalidResponseDataError,
  JSONParseError,
  TypeValidationError,
} from "ai";
import { retryAfterMsFromHeaders } from "./backoff.js";

/** What went wrong, in words a trace, a health view and a router can group by. */
export type ErrorClass =
  | "auth"
  | "rate-limit"
  | "server"
  | "timeout"
  | "network"
  | "invalid-response"
  | "bad-request"
  | "context-length"
  | "refusal"
  | "breaker-open"
  | "keys-exhausted"
  | "wait-too-long"
  | "over-limit"
  | "unknown";

/**
 * The move a failure calls for. `auth`: drop the key, try the next one. `retryable`: wait, try the
 * same model again. `fatal`: this model cannot answer this request, fall back. `skip`: this model
 * cannot be used right now (breaker open, every key rejected, a wait too long), fall back without
 * sending. `key-busy`: the chosen key became unusable before sending, pick another key.
 */
export type AttemptFailure =
  | { type: "auth"; status: number; message: string }
  | { type: "retryable"; status?: number; message: string; retryAfterMs?: number; errorClass: ErrorClass }
  | { type: "fatal"; status?: number; message: string; contextLength: boolean; errorClass: ErrorClass }
  | { type: "skip"; message: string; errorClass: ErrorClass; transient: boolean; retryAfterMs?: number }
  | { type: "key-busy"; message: string };

/** The error class of a failure, for traces and health. */
export function errorClassOf(failure: AttemptFailure): ErrorClass {
  switch (failure.type) {
    case "auth":
      return "auth";
    case "key-busy":
      return "rate-limit";
    case "retryable":
    case "fatal":
    case "skip":
      return failure.errorClass;
  }
}

/** Statuses worth trying again: timeouts, conflicts, rate limits and every server-side failure (529 too). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

const contextLengthPattern =
  /context[ _-]?(length|window)|maximum context|prompt is too long|too many (input )?tokens|reduce the length|input is too long/i;

const networkCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** Longest message kept per attempt; provider bodies can be pages long. */
const maxMessageChars = 300;

function shorten(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length > maxMessageChars ? `${oneLine.slice(0, maxMessageChars - 1)}…` : oneLine;
}

/** True when the error or anything in its cause chain is a connection-level failure. */
function isNetworkError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && networkCodes.has(code)) return true;
    if (current instanceof TypeError && /fetch failed|terminated|other side closed/i.test(current.message))
      return true;
    current = current.cause;
  }
  return false;
}

/**
 * The failure class of an error thrown by one attempt (not an abort: the caller checks its own signal
 * first). Unknown errors are fatal for the model, so a bug in one provider adapter falls back instead
 * of retrying forever.
 */
export function classifyFailure(error: unknown, nowMs: number): AttemptFailure {
  const message = shorten(error instanceof Error ? error.message : String(error));
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === 401 || status === 403) return { type: "auth", status, message };
    // A 200 whose body is an error or unreadable (an in-band error, a proxy glitch) is transient.
    if (status !== undefined && status >= 200 && status < 300)
      return {
        type: "retryable",
        status,
        message: `invalid response from the provider: ${message}`,
        errorClass: "invalid-response",
      };
    const retryable = status === undefined ? error.isRetryable : isRetryableStatus(status);
    if (retryable) {
      const retryAfterMs = retryAfterMsFromHeaders(error.responseHeaders, nowMs);
      return {
        type: "retryable",
        ...(status === undefined ? {} : { status }),
        message,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        errorClass: retryableClass(status),
      };
    }
    const body = `${error.message} ${error.responseBody ?? ""}`;
    const contextLength =
      status === 413 || ((status === 400 || status === 422) && contextLengthPattern.test(body));
    return {
      type: "fatal",
      ...(status === undefined ? {} : { status }),
      message,
      contextLength,
      errorClass: contextLength ? "context-length" : "bad-request",
    };
  }
  if (
    JSONParseError.isInstance(error) ||
    TypeValidationError.isInstance(error) ||
    EmptyResponseBodyError.isInstance(error) ||
    InvalidResponseDataError.isInstance(error)
  )
    return {
      type: "retryable",
      message: `invalid response from the provider: ${message}`,
      errorClass: "invalid-response",
    };
  if (isNetworkError(error))
    return { type: "retryable", message: `network error: ${message}`, errorClass: "network" };
  return { type: "fatal", message, contextLength: false, errorClass: "unknown" };
}

function retryableClass(status: number | undefined): ErrorClass {
  if (status === undefined) return "network";
  if (status === 429) return "rate-limit";
  if (status === 408) return "timeout";
  return "server";
}
