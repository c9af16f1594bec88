/**
 * A ModelClient for tests that answers from a script: a function of the request (and how many
 * calls came before). Counts every call, so tests can prove a recorded call is never repeated.
 */
import type { ModelClient, ModelRequest, ModelResponse, ModelToolCall } from "../spec/index.js";

export type ScriptedAnswer =
  | string
  | {
      text: string;
      model?: string;
      inputTokens?: number;
      outputTokens?: number;
      costUsd?: number;
      /** Tools the model asks for (agent steps); only honoured when the request offered tools. */
      toolCalls?: ModelToolCall[];
    }
  | Error;

export interface ScriptedModels extends ModelClient {
  readonly calls: ModelRequest[];
}

export function scriptedModels(
  answer: (request: ModelRequest, callIndex: number) => ScriptedAnswer | Promise<ScriptedAnswer>,
  options: { latencyMs?: number } = {},
): ScriptedModels {
  const calls: ModelRequest[] = [];
  return {
    specificationVersion: "v1",
    calls,
    async generate(request, callOptions): Promise<ModelResponse> {
      calls.push(request);
      const index = calls.length - 1;
      if (options.latencyMs) await abortableDelay(options.latencyMs, callOptions?.signal);
      callOptions?.signal?.throwIfAborted();
      const result = await answer(request, index);
      if (result instanceof Error) throw result;
      const r = typeof result === "string" ? { text: result } : result;
      return {
        text: r.text,
        model: r.model ?? request.models[0] ?? "scripted/model",
        usage: { inputTokens: r.inputTokens ?? 10, outputTokens: r.outputTokens ?? 20 },
        ...(r.costUsd !== undefined ? { costUsd: r.costUsd } : { costUsd: 0.001 }),
        ...("toolCalls" in r && r.toolCalls && request.tools?.length ? { toolCalls: r.toolCalls } : {}),
      };
    },
  };
}

function abortableDelay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason ?? new Error("aborted"));
      },
      { once: true },
    );
  });
}
