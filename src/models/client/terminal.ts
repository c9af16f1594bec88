/**
 * The innermost handler of the middleware chain: one request to one model with one key through the
 * AI SDK (`maxRetries: 0`, the middlewares are the only retry loop). Answers stream by default (time
 * to first token for every call); a provider marked `streaming: false` (or a client built with
 * `streaming: false`) uses the plain request/response path. SDK errors become classified
 * `AttemptError`s carrying whatever usage the provider billed; a refusal (see `refusalOf`) is a
 * failure too, so the fallback can ask another model. An abort of the caller's signal passes through.
 */
import type { LanguageModelV3 } from "@ai-sdk/provider";
import type { ProviderPreset } from "../catalog/index.js";
import { type SdkLanguageModelUsage, usageFromSdk } from "../cost.js";
import { classifyFailure } from "../middleware/classify.js";
import { AttemptError, type AttemptHandler, type AttemptResult } from "../middleware/contract.js";
import { runAttempt } from "./attempt.js";
import { supportsNativeSchema } from "./providers.js";
import { refusalOf } from "./refusal.js";
import { runStreamingAttempt } from "./stream-attempt.js";

export interface TerminalOptions {
  model(provider: ProviderPreset, apiKey: string | undefined, modelId: string): LanguageModelV3;
  now: () => number;
  /**
   * Stream answers (default true): measures time to first token and surfaces in-band stream errors.
   * A provider whose preset says `streaming: false` is never streamed.
   */
  streaming?: boolean;
}

export function sdkTerminal(options: TerminalOptions): AttemptHandler {
  return async (call) => {
    const { target } = call;
    let result: AttemptResult;
    try {
      const model = options.model(target.provider, call.key?.value, target.modelId);
      const settings = {
        nativeSchema: supportsNativeSchema(target.provider),
        abortSignal: call.signal ?? new AbortController().signal,
        cacheSystemPrompt: target.provider.kind === "anthropic",
      };
      result =
        options.streaming !== false && target.provider.streaming !== false
          ? await runStreamingAttempt(model, call.request, { ...settings, now: options.now })
          : await runAttempt(model, call.request, settings);
    } catch (error) {
      if (call.callSignal?.aborted) throw call.callSignal.reason ?? error;
      if (call.signal?.aborted) throw error; // the timeout middleware names it
      const usage = (error as { usage?: unknown } | undefined)?.usage;
      const billed =
        typeof usage === "object" && usage !== null && "inputTokens" in usage
          ? usageFromSdk(usage as SdkLanguageModelUsage)
          : undefined;
      throw new AttemptError(classifyFailure(error, options.now()), {
        cause: error,
        ...(billed ? { usage: billed } : {}),
      });
    }
    const refusal = refusalOf(result);
    if (refusal !== undefined)
      throw new AttemptError(
        { type: "fatal", message: refusal, contextLength: false, errorClass: "refusal" },
        { usage: result.usage },
      );
    return result;
  };
}
