/**
 * One attempt as a stream (`streamText`), the default for every provider whose wire streams: it
 * measures time to first token for the trace, and surfaces failures that arrive inside a 200 stream:
 * an error part before (or after) the first token is thrown like an HTTP error, so the middlewares
 * retry or fall back exactly as for a 5xx. Tools and continued conversations (agent steps) stream
 * too: tool calls are collected from the stream, never executed here. The text is the concatenated
 * deltas; usage and finish reason come from the stream's end.
 */
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { streamText } from "ai";
import type { ModelRequest } from "../../spec/index.js";
import { type SdkLanguageModelUsage, usageFromSdk } from "../cost.js";
import type { AttemptResult } from "../middleware/contract.js";
import { type AttemptSettings, sdkCallArguments } from "./attempt.js";
import { toolCallsFromSdk } from "./conversation.js";

type StreamedToolCall = { toolCallId: string; toolName: string; input: unknown };

export async function runStreamingAttempt(
  model: LanguageModelV3,
  request: ModelRequest,
  settings: AttemptSettings & { now: () => number },
): Promise<AttemptResult> {
  const startMs = settings.now();
  const result = streamText({
    ...sdkCallArguments(model, request, settings),
    // Errors are read from the stream below; the default handler would only print them.
    onError: () => {},
  });
  let text = "";
  let ttftMs: number | undefined;
  let finishReason: string | undefined;
  let rawFinishReason: string | undefined;
  let usage: SdkLanguageModelUsage | undefined;
  const toolCalls: StreamedToolCall[] = [];
  const firstToken = () => {
    if (ttftMs === undefined) ttftMs = settings.now() - startMs;
  };
  for await (const part of result.fullStream) {
    switch (part.type) {
      case "text-delta":
        firstToken();
        text += part.text;
        break;
      case "reasoning-delta":
      case "tool-input-start":
        firstToken();
        break;
      case "tool-call":
        firstToken();
        toolCalls.push(part);
        break;
      case "error":
        throw part.error;
      case "abort":
        settings.abortSignal.throwIfAborted();
        throw new Error("the stream was aborted");
      case "finish":
        finishReason = part.finishReason;
        rawFinishReason = part.rawFinishReason;
        usage = part.totalUsage as SdkLanguageModelUsage;
        break;
      default:
        break;
    }
  }
  return {
    text,
    usage: usage ? usageFromSdk(usage) : { inputTokens: 0, outputTokens: 0 },
    ...(finishReason ? { finishReason } : {}),
    ...(rawFinishReason ? { rawFinishReason } : {}),
    ...(ttftMs === undefined ? {} : { ttftMs }),
    ...(toolCalls.length > 0 ? { toolCalls: toolCallsFromSdk(toolCalls) } : {}),
  };
}
