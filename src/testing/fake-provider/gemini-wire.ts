/**
 * Google Gemini `generateContent` wire format, as `@ai-sdk/google` sends and parses it:
 * `POST /v1beta/models/{model}:generateContent` (one JSON body) and
 * `POST /v1beta/models/{model}:streamGenerateContent?alt=sse` (SSE `data:` chunks, no terminator),
 * the key in `x-goog-api-key`, the answer in `candidates[0].content.parts`, errors as
 * `{ error: { code, message, status } }` with Google's status names, also inside a 200 stream.
 *
 * The model and the streaming flag live in the path, not the body. Usage maps as Gemini counts it:
 * `promptTokenCount` includes `cachedContentTokenCount`, but `candidatesTokenCount` EXCLUDES
 * `thoughtsTokenCount` (the AI SDK adds them back into its output total), so the fake splits
 * `outputTokens` into the two. Structured output arrives as `generationConfig.responseMimeType:
 * "application/json"` with an OpenAPI-subset `responseSchema` (or a `responseJsonSchema`).
 */
import type { TokenUsage } from "../../models/cost.js";
import type { JsonSchema } from "../../models/dry-run/example-from-schema.js";
import { type Content, chunkText, type ResponseContext, type SseEvent, type WireAdapter } from "./wire.js";

/** Google's canonical status names by HTTP status (google.rpc.Code). */
const statusNames: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  409: "ABORTED",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

const statusName = (status: number) =>
  statusNames[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");

/** The model and mode a Gemini path names, or undefined when the path is not a Gemini call. */
export function geminiRoute(path: string): { model: string; stream: boolean } | undefined {
  const match = /^\/(?:v1beta|v1)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(path);
  if (!match) return undefined;
  return { model: decodeURIComponent(match[1]!), stream: match[2] === "streamGenerateContent" };
}

/** True for `GET /v1beta/models`, Gemini's model list. */
export const isGeminiModelList = (path: string) => /^\/v1beta\/models\/?$/.test(path);

function usageMetadata(usage: TokenUsage) {
  const thoughts = usage.reasoningTokens ?? 0;
  const candidates = Math.max(0, usage.outputTokens - thoughts);
  return {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: candidates,
    totalTokenCount: usage.inputTokens + usage.outputTokens,
    ...(usage.cachedInputTokens ? { cachedContentTokenCount: usage.cachedInputTokens } : {}),
    ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
  };
}

function finishReason(content: Content): string {
  if (content.kind === "tool-calls") return "STOP";
  if (content.finishReason === "refusal") return "SAFETY";
  return content.finishReason === "length" ? "MAX_TOKENS" : "STOP";
}

const functionCallParts = (content: Extract<Content, { kind: "tool-calls" }>) =>
  content.calls.map((call) => ({ functionCall: { name: call.name, args: call.input } }));

function candidate(parts: unknown[], finish?: string) {
  return {
    content: { parts, role: "model" },
    ...(finish ? { finishReason: finish } : {}),
    index: 0,
  };
}

function chunk(context: ResponseContext, parts: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    candidates: [candidate(parts, extra.finishReason as string | undefined)],
    ...(extra.usageMetadata ? { usageMetadata: extra.usageMetadata } : {}),
    modelVersion: context.model,
    responseId: `fake-gemini-${context.seq}`,
  });
}

export const geminiWire: WireAdapter = {
  wire: "gemini",

  schemaRequest(body) {
    const config = body.generationConfig as
      | { responseMimeType?: string; responseSchema?: JsonSchema; responseJsonSchema?: JsonSchema }
      | undefined;
    if (config?.responseMimeType !== "application/json") return undefined;
    return { schema: config.responseJsonSchema ?? config.responseSchema ?? { type: "object" }, via: "text" };
  },

  wantsStreamUsage() {
    return true;
  },

  completionBody(context, content, usage) {
    const parts = content.kind === "text" ? [{ text: content.text }] : functionCallParts(content);
    return {
      candidates: [candidate(parts, finishReason(content))],
      usageMetadata: usageMetadata(usage),
      modelVersion: context.model,
      responseId: `fake-gemini-${context.seq}`,
    };
  },

  streamEvents(context, content, usage, options) {
    const events: SseEvent[] = [];
    if (content.kind === "text")
      for (const piece of chunkText(content.text, options.chunkChars))
        events.push({ data: chunk(context, [{ text: piece }]), delta: true });
    else events.push({ data: chunk(context, functionCallParts(content)), delta: true });
    // The last chunk carries the finish reason and the full usage; the stream then simply ends.
    events.push({
      data: chunk(context, [{ text: "" }], {
        finishReason: finishReason(content),
        usageMetadata: usageMetadata(usage),
      }),
    });
    return events;
  },

  errorBody(status, errorType, message) {
    return { error: { code: status, message, status: errorType ?? statusName(status) } };
  },

  errorEvent(errorType, message) {
    const status = errorType ?? "UNAVAILABLE";
    const code = Number(Object.entries(statusNames).find(([, name]) => name === status)?.[0] ?? 500);
    return { data: JSON.stringify({ error: { code, message, status } }) };
  },

  malformedEvent(raw) {
    return { data: raw };
  },
};
