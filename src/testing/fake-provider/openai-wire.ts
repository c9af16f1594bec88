/**
 * OpenAI chat-completions wire format (`POST /v1/chat/completions`), shaped after recorded
 * responses: `chat.completion` bodies, `chat.completion.chunk` SSE chunks ending in `[DONE]`,
 * the usage chunk only when `stream_options.include_usage` is set, errors as `{ error: {...} }`.
 * Usage maps one to one: prompt_tokens includes cached tokens, completion_tokens includes reasoning.
 */
import type { TokenUsage } from "../../models/cost.js";
import type { JsonSchema } from "../../models/dry-run/example-from-schema.js";
import { type Content, chunkText, type ResponseContext, type SseEvent, type WireAdapter } from "./wire.js";

const errorTypes: Record<number, [type: string, code: string | null]> = {
  400: ["invalid_request_error", null],
  401: ["invalid_request_error", "invalid_api_key"],
  403: ["permission_error", null],
  404: ["invalid_request_error", "model_not_found"],
  429: ["requests", "rate_limit_exceeded"],
  500: ["server_error", null],
  503: ["server_error", "service_unavailable"],
};

function usageBody(usage: TokenUsage) {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: {
      cached_tokens: usage.cachedInputTokens ?? 0,
      ...(usage.cacheWriteTokens ? { cache_write_tokens: usage.cacheWriteTokens } : {}),
    },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

const toolCallId = (context: ResponseContext, index: number) => `call_fake_${context.seq}_${index}`;

function finishReason(content: Content): string {
  if (content.kind === "tool-calls") return "tool_calls";
  if (content.refusalField) return "stop";
  return content.finishReason === "refusal" ? "content_filter" : content.finishReason;
}

function chunk(context: ResponseContext, choices: unknown[], usage: unknown = null, delta = false): SseEvent {
  return {
    ...(delta ? { delta: true as const } : {}),
    data: JSON.stringify({
      id: `chatcmpl-fake-${context.seq}`,
      object: "chat.completion.chunk",
      created: context.createdSeconds,
      model: context.model,
      choices,
      usage,
    }),
  };
}

export const openaiWire: WireAdapter = {
  wire: "openai",

  schemaRequest(body) {
    const format = body.response_format as
      | { type?: string; json_schema?: { schema?: JsonSchema } }
      | undefined;
    if (format?.type === "json_schema") return { schema: format.json_schema?.schema ?? {}, via: "text" };
    if (format?.type === "json_object") return { schema: { type: "object" }, via: "text" };
    return undefined;
  },

  wantsStreamUsage(body) {
    return (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  },

  completionBody(context, content, usage) {
    const message =
      content.kind === "text"
        ? content.refusalField
          ? { role: "assistant", content: null, refusal: content.text }
          : { role: "assistant", content: content.text, refusal: null }
        : {
            role: "assistant",
            content: null,
            tool_calls: content.calls.map((call, i) => ({
              id: toolCallId(context, i),
              type: "function",
              function: { name: call.name, arguments: JSON.stringify(call.input) },
            })),
          };
    return {
      id: `chatcmpl-fake-${context.seq}`,
      object: "chat.completion",
      created: context.createdSeconds,
      model: context.model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason(content) }],
      usage: usageBody(usage),
    };
  },

  streamEvents(context, content, usage, options) {
    const events = [
      chunk(context, [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]),
    ];
    if (content.kind === "text")
      for (const piece of chunkText(content.text, options.chunkChars))
        events.push(
          chunk(
            context,
            [
              {
                index: 0,
                delta: content.refusalField ? { refusal: piece } : { content: piece },
                finish_reason: null,
              },
            ],
            null,
            true,
          ),
        );
    else
      content.calls.forEach((call, i) => {
        const start = {
          index: i,
          id: toolCallId(context, i),
          type: "function",
          function: { name: call.name, arguments: "" },
        };
        events.push(chunk(context, [{ index: 0, delta: { tool_calls: [start] }, finish_reason: null }]));
        for (const piece of chunkText(JSON.stringify(call.input), options.chunkChars))
          events.push(
            chunk(
              context,
              [
                {
                  index: 0,
                  delta: { tool_calls: [{ index: i, function: { arguments: piece } }] },
                  finish_reason: null,
                },
              ],
              null,
              true,
            ),
          );
      });
    events.push(chunk(context, [{ index: 0, delta: {}, finish_reason: finishReason(content) }]));
    if (options.includeUsage) events.push(chunk(context, [], usageBody(usage)));
    events.push({ data: "[DONE]" });
    return events;
  },

  errorBody(status, errorType, message) {
    const [type, code] = errorTypes[status] ?? [
      status >= 500 ? "server_error" : "invalid_request_error",
      null,
    ];
    return { error: { message, type: errorType ?? type, param: null, code } };
  },

  errorEvent(errorType, message) {
    return {
      data: JSON.stringify({
        error: { message, type: errorType ?? "server_error", param: null, code: null },
      }),
    };
  },

  malformedEvent(raw) {
    return { data: raw };
  },
};
