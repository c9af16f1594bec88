/**
 * One generation on a loaded local model: the chat goes in, text comes out, constrained by a
 * JSON-schema grammar when the call asks for JSON (so even a tiny model emits parseable, schema-shaped
 * JSON), bounded by `maxOutputTokens`, stopped by the abort signal. Usage is counted by the sequence's
 * token meter, so it is what llama.cpp actually evaluated and generated.
 */
import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FinishReason,
  LanguageModelV3Usage,
  SharedV3Warning,
} from "@ai-sdk/provider";
import type { LocalModelHost } from "./model-host.js";
import { toLocalChat } from "./prompt.js";

export interface LocalGeneration {
  text: string;
  usage: LanguageModelV3Usage;
  finishReason: LanguageModelV3FinishReason;
  warnings: SharedV3Warning[];
}

/** Without a caller's limit a random or looping model must still stop: a generous default. */
export const defaultLocalMaxOutputTokens = 2048;

type StopReason =
  | "eogToken"
  | "stopGenerationTrigger"
  | "functionCalls"
  | "maxTokens"
  | "abort"
  | "customStopTrigger";

function finishReasonOf(stop: StopReason): LanguageModelV3FinishReason {
  switch (stop) {
    case "maxTokens":
      return { unified: "length", raw: stop };
    case "abort":
      return { unified: "other", raw: stop };
    case "functionCalls":
      return { unified: "tool-calls", raw: stop };
    case "eogToken":
    case "stopGenerationTrigger":
    case "customStopTrigger":
      return { unified: "stop", raw: stop };
  }
}

export async function generateLocal(
  host: LocalModelHost,
  options: LanguageModelV3CallOptions,
  onText?: (delta: string) => void,
): Promise<LocalGeneration> {
  const chat = toLocalChat(options.prompt);
  const warnings = [...chat.warnings];
  if (options.tools?.length) warnings.push({ type: "unsupported", feature: "tools" });
  const json = options.responseFormat?.type === "json";
  const grammar = json
    ? await host.grammarFor(
        options.responseFormat?.type === "json" ? (options.responseFormat.schema ?? {}) : {},
      )
    : undefined;
  if (grammar && !grammar.exact)
    warnings.push({
      type: "compatibility",
      feature: "responseFormat.schema",
      details: "the schema uses features the grammar compiler lacks; output is constrained to JSON only",
    });

  return host.exclusive(async () => {
    const { LlamaChatSession } = host.module;
    const session = new LlamaChatSession({ contextSequence: host.sequence, autoDisposeSequence: false });
    const meter = host.sequence.tokenMeter.getState();
    try {
      session.setChatHistory(chat.history);
      const result = await session.promptWithMeta(chat.prompt, {
        ...(grammar ? { grammar: grammar.grammar } : {}),
        maxTokens: options.maxOutputTokens ?? defaultLocalMaxOutputTokens,
        ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
        ...(options.topP === undefined ? {} : { topP: options.topP }),
        ...(options.topK === undefined ? {} : { topK: options.topK }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.stopSequences?.length ? { customStopTriggers: options.stopSequences } : {}),
        ...(options.abortSignal ? { signal: options.abortSignal } : {}),
        ...(onText ? { onTextChunk: onText } : {}),
      });
      const used = host.sequence.tokenMeter.diff(meter);
      return {
        text: result.responseText,
        usage: {
          inputTokens: {
            total: used.usedInputTokens,
            noCache: used.usedInputTokens,
            cacheRead: undefined,
            cacheWrite: undefined,
          },
          outputTokens: { total: used.usedOutputTokens, text: used.usedOutputTokens, reasoning: undefined },
        },
        finishReason: finishReasonOf(result.stopReason as StopReason),
        warnings,
      };
    } finally {
      session.dispose({ disposeSequence: false });
    }
  }, options.abortSignal);
}
