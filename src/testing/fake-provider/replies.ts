/**
 * Builders for the replies tests script most, so a fault reads as a sentence:
 * `fake.script(reply.rateLimited({ retryAfterSeconds: 2 }), reply.text("ok"))`.
 * Each returns plain data; writing the object literal by hand is equally valid.
 */
import type { FakeReply } from "./types.js";

type Extra<T extends FakeReply["type"]> = Omit<Extract<FakeReply, { type: T }>, "type">;
type ErrorExtra = Partial<Extra<"error">>;

export const reply = {
  text: (text: string, extra: Partial<Extra<"text">> = {}): FakeReply => ({ type: "text", text, ...extra }),
  json: (value: unknown, extra: Partial<Extra<"json">> = {}): FakeReply => ({
    type: "json",
    value,
    ...extra,
  }),
  toolCalls: (
    calls: Array<{ name: string; input: unknown }>,
    extra: Partial<Extra<"tool-calls">> = {},
  ): FakeReply => ({
    type: "tool-calls",
    calls,
    ...extra,
  }),
  /** The default responder's answer (schema example or default text), e.g. with latency. */
  default: (extra: Extra<"default"> = {}): FakeReply => ({ type: "default", ...extra }),
  error: (status: number, extra: ErrorExtra = {}): FakeReply => ({ type: "error", status, ...extra }),
  /** 429; pass `retryAfterSeconds`, `retryAfterMs` or `retryAfterDate` to announce a window. */
  rateLimited: (extra: ErrorExtra = {}): FakeReply => ({ type: "error", status: 429, ...extra }),
  serverError: (status = 500, extra: ErrorExtra = {}): FakeReply => ({ type: "error", status, ...extra }),
  /** Anthropic's 529 `overloaded_error`. */
  overloaded: (extra: ErrorExtra = {}): FakeReply => ({
    type: "error",
    status: 529,
    errorType: "overloaded_error",
    message: "Overloaded",
    ...extra,
  }),
  unauthorized: (extra: ErrorExtra = {}): FakeReply => ({ type: "error", status: 401, ...extra }),
  /** A safety refusal: OpenAI `finish_reason: content_filter`, Anthropic `stop_reason: refusal`. */
  refusal: (text = "I can't help with that.", extra: Partial<Extra<"text">> = {}): FakeReply => ({
    type: "text",
    text,
    finishReason: "refusal",
    ...extra,
  }),
  /** OpenAI's `message.refusal` field (`delta.refusal` when streamed); Anthropic `stop_reason: refusal`. */
  refusalMessage: (
    text = "I'm sorry, I can't assist with that request.",
    extra: Partial<Extra<"refusal-message">> = {},
  ): FakeReply => ({ type: "refusal-message", text, ...extra }),
  hang: (): FakeReply => ({ type: "hang" }),
  streamError: (extra: Partial<Extra<"stream-error">> = {}): FakeReply => ({
    type: "stream-error",
    ...extra,
  }),
  malformed: (body?: string): FakeReply => ({ type: "malformed", ...(body === undefined ? {} : { body }) }),
  disconnect: (afterChunks = 0, extra: Partial<Extra<"disconnect">> = {}): FakeReply => ({
    type: "disconnect",
    afterChunks,
    ...extra,
  }),
} as const;
