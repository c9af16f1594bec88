/**
 * One request to one model with one key: the only place the AI SDK is called. With a schema it asks
 * for structured output (`Output.object`) so providers that can enforce a schema do; when the answer
 * still does not parse or validate, the raw text is returned anyway, because the step validates every
 * document and re-asks with the errors, which a throw here would make impossible.
 */
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { generateText, jsonSchema, NoObjectGeneratedError, Output } from "ai";
import type { ModelRequest } from "../../spec/index.js";
import { type SdkLanguageModelUsage, usageFromSdk } from "../cost.js";
import type { AttemptResult } from "../middleware/contract.js";
import { sdkMessages, sdkSystem, sdkTools, toolCallsFromSdk } from "./conversation.js";

export interface AttemptSettings {
  /** False for providers that only do JSON mode: the schema then travels in the system prompt. */
  nativeSchema: boolean;
  abortSignal: AbortSignal;
  /** Mark the system prompt for the provider's prompt cache (Anthropic). */
  cacheSystemPrompt?: boolean;
}

/** The system prompt with the schema appended, for providers that cannot enforce one. */
export function systemWithSchema(request: ModelRequest): string {
  const instruction = `Answer with one JSON document, and nothing else, that satisfies this JSON Schema${
    request.schemaName ? ` (${request.schemaName})` : ""
  }:\n${JSON.stringify(request.schema)}`;
  return request.system ? `${request.system}\n\n${instruction}` : instruction;
}

/**
 * The arguments both attempt forms (`generateText` and `streamText`) pass to the SDK: system prompt
 * (with the schema for JSON-mode providers, marked for the prompt cache where asked), prompt or
 * conversation, tools, output schema and limits. The SDK never retries (`maxRetries: 0`).
 */
export function sdkCallArguments(model: LanguageModelV3, request: ModelRequest, settings: AttemptSettings) {
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
  const tools = sdkTools(request);
  const messages = sdkMessages(request);
  return {
    model,
    ...(system === undefined ? {} : { system }),
    ...(messages ? { messages } : { prompt: request.prompt }),
    ...(tools ? { tools } : {}),
    ...(request.maxOutputTokens === undefined ? {} : { maxOutputTokens: request.maxOutputTokens }),
    ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
    ...(output ? { output } : {}),
    maxRetries: 0,
    abortSignal: settings.abortSignal,
  };
}

export async function runAttempt(
  model: LanguageModelV3,
  request: ModelRequest,
  settings: AttemptSettings,
): Promise<AttemptResult> {
  try {
    const result = await generateText({
      ...sdkCallArguments(model, request, settings),
      experimental_include: { requestBody: false, responseBody: false },
    });
    return {
      text: result.text,
      usage: usageFromSdk(result.usage as SdkLanguageModelUsage),
      finishReason: result.finishReason,
      ...(result.rawFinishReason ? { rawFinishReason: result.rawFinishReason } : {}),
      ...(result.toolCalls.length > 0 ? { toolCalls: toolCallsFromSdk(result.toolCalls) } : {}),
    };
  } catch (error) {
    if (!NoObjectGeneratedError.isInstance(error)) throw error;
    // The model answered but not with a valid document: hand the text to the step to judge.
    return {
      text: error.text ?? "",
      usage: error.usage
        ? usageFromSdk(error.usage as SdkLanguageModelUsage)
        : { inputTokens: 0, outputTokens: 0 },
      ...(error.finishReason ? { finishReason: error.finishReason } : {}),
    };
  }
}
