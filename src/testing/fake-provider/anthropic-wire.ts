/**
 * Anthropic messages wire format (`POST /v1/messages`), shaped after recorded responses:
 * `message` bodies; streams of `message_start`, `content_block_start`, `ping`,
 * `content_block_delta`, `content_block_stop`, `message_delta`, `message_stop`; errors as
 * `{ type: "error", error: { type, message } }`. Usage is converted back to Anthropic's split:
 * `input_tokens` EXCLUDES cache reads and writes, which travel as `cache_read_input_tokens` and
 * `cache_creation_input_tokens` (the AI SDK adds them back into its input total).
 *
 * Structured output arrives three ways depending on model and SDK version: `output_config.format`,
 * the older `output_format` beta, or a forced tool named `json`; all three are honoured.
 */
import type { TokenUsage } from "../../models/cost.js";
import type { JsonSchema } from "../../models/dry-run/example-from-schema.js";
import { type Content, chunkText, type ResponseContext, type SseEvent, type WireAdapter } from "./wire.js";

const errorTypes: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

function usageBody(usage: TokenUsage, outputTokens = usage.outputTokens) {
  const cacheRead = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: outputTokens,
    ...(usage.reasoningTokens ? { output_tokens_details: { thinking_tokens: usage.reasoningTokens } } : {}),
  };
}

const toolUseId = (context: ResponseContext, index: number) => `toolu_fake_${context.seq}_${index}`;

function stopReason(content: Content): string {
  if (content.kind === "tool-calls") return "tool_use";
  if (content.finishReason === "refusal") return "refusal";
  return content.finishReason === "length" ? "max_tokens" : "end_turn";
}

function blocks(context: ResponseContext, content: Content): unknown[] {
  if (content.kind === "text") return [{ type: "text", text: content.text }];
  return content.calls.map((call, i) => ({
    type: "tool_use",
    id: toolUseId(context, i),
    name: call.name,
    input: call.input,
  }));
}

const event = (type: string, payload: Record<string, unknown> = {}): SseEvent => ({
  event: type,
  data: JSON.stringify({ type, ...payload }),
  ...(type === "content_block_delta" ? { delta: true as const } : {}),
});

export const anthropicWire: WireAdapter = {
  wire: "anthropic",

  schemaRequest(body) {
    const config = body.output_config as { format?: { schema?: JsonSchema } } | undefined;
    if (config?.format?.schema) return { schema: config.format.schema, via: "text" };
    const legacy = body.output_format as { schema?: JsonSchema } | undefined;
    if (legacy?.schema) return { schema: legacy.schema, via: "text" };
    const tools = (body.tools as Array<{ name?: string; input_schema?: JsonSchema }> | undefined) ?? [];
    const choice = body.tool_choice as { type?: string; name?: string } | undefined;
    const jsonTool = tools.find((tool) => tool.name === "json");
    const forced = choice?.type === "any" || (choice?.type === "tool" && choice.name === "json");
    if (jsonTool && (forced || tools.length === 1))
      return { schema: jsonTool.input_schema ?? {}, via: "json-tool" };
    return undefined;
  },

  wantsStreamUsage() {
    return true;
  },

  completionBody(context, content, usage) {
    return {
      id: `msg_fake_${context.seq}`,
      type: "message",
      role: "assistant",
      model: context.model,
      content: blocks(context, content),
      stop_reason: stopReason(content),
      stop_sequence: null,
      usage: usageBody(usage),
    };
  },

  streamEvents(context, content, usage, options) {
    const message = {
      id: `msg_fake_${context.seq}`,
      type: "message",
      role: "assistant",
      model: context.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageBody(usage, 1),
    };
    const events = [event("message_start", { message })];
    if (content.kind === "text") {
      events.push(
        event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
        event("ping"),
      );
      for (const piece of chunkText(content.text, options.chunkChars))
        events.push(event("content_block_delta", { index: 0, delta: { type: "text_delta", text: piece } }));
      events.push(event("content_block_stop", { index: 0 }));
    } else
      content.calls.forEach((call, index) => {
        const block = { type: "tool_use", id: toolUseId(context, index), name: call.name, input: {} };
        events.push(event("content_block_start", { index, content_block: block }));
        for (const piece of chunkText(JSON.stringify(call.input), options.chunkChars))
          events.push(
            event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: piece } }),
          );
        events.push(event("content_block_stop", { index }));
      });
    events.push(
      event("message_delta", {
        delta: { stop_reason: stopReason(content), stop_sequence: null },
        usage: usageBody(usage),
      }),
      event("message_stop"),
    );
    return events;
  },

  errorBody(status, errorType, message) {
    return {
      type: "error",
      error: {
        type: errorType ?? errorTypes[status] ?? (status >= 500 ? "api_error" : "invalid_request_error"),
        message,
      },
    };
  },

  errorEvent(errorType, message) {
    return event("error", { error: { type: errorType ?? "overloaded_error", message } });
  },

  malformedEvent(raw) {
    return { event: "content_block_delta", data: raw };
  },
};
