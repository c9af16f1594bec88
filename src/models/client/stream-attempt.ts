/**
 * One attempt as a stream (`streamText`), for callers that want time-to-first-token in the trace and
 * for providers whose failures arrive inside a 200 stream: an error part before (or after) the first
 * token is thrown like an HTTP error, so the middlewares retry or fall back exactly as for a 5xx.
 * The text is the concatenated deltas; usage and finish reason come from the stream's end.
 */
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { jsonSchema, Output, streamText } from "ai";
import type { ModelRequest } from "../../spec/index.js";
import { type SdkLanguageModelUsage, usageFromSdk } from "../cost.js";
import type { AttemptResult } from "../middleware/contract.js";
import { type AttemptSettings, systemWithSchema } from "./attempt.js";
import { sdkSystem } from "./conversation.js";

export async function runStreamingAttempt(
  model: LanguageModelV3,
  request: ModelRequest,
  settings: AttemptSettings & { now: () => number },
): Promise<AttemptResult> {
  const system = sdkSystem(
    request.schema && !settings.nativeSchema ? systemWithSchema(request) : request.system,
    settings.cacheSystemPrompt === true,
  );
  const output = request.schema
    ? Output.object({
        schema: jsonSchema(request.schema),
        ...(request.schemaName ? { name: request.schemaName } : {}),
      })
    : undefined;
  const startMs = settings.now();
  const result = streamText({
    model,
    ...(system === undefined ? {} : { system }),
    prompt: request.prompt,
    ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(output ? { output } : {}),
    maxRetries: 0,
    abortSignal: settings.abortSignal,
    // Errors are read from the stream below; the default handler would only print them.
    onError: () => {},
  });
  let text = "";
  let ttftMs: number | undefined;
  let finishReason: string | undefined;
  let usage: SdkLanguageModelUsage | undefined;
  for await (const part of result.fullStream) {
    switch (part.type) {
      case "text-delta":
        if (ttftMs === undefined) ttftMs = settings.now() - startMs;
        text += part.text;
        break;
      case "error":
        throw part.error;
      case "abort":
        settings.abortSignal.throwIfAborted();
        throw new Error("the stream was aborted");
      case "finish":
        finishReason = part.finishReason;
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
    ...(ttftMs === undefined ? {} : { ttftMs }),
  };
}
