/**
 * What the server needs from a wire protocol, so OpenAI chat completions and Anthropic messages
 * are two small adapters over one request loop (and a third protocol is one more file).
 */
import type { TokenUsage } from "../../models/cost.js";
import type { JsonSchema } from "../../models/dry-run/example-from-schema.js";
import type { Wire } from "./types.js";

/** One server-sent event: `event:` line (Anthropic) and `data:` payload. */
export interface SseEvent {
  event?: string;
  data: string;
  /** Marks a content delta (text or tool arguments); not sent, used to cut streams mid-way. */
  delta?: true;
}

/** A reply reduced to what every wire can express. */
export type Content =
  | {
      kind: "text";
      text: string;
      finishReason: "stop" | "length" | "refusal";
      /** The refusal travels in OpenAI's `refusal` field rather than as a finish reason. */
      refusalField?: true;
    }
  | { kind: "tool-calls"; calls: Array<{ name: string; input: unknown }> };

/** Identity of one response: stable per request so recordings stay comparable. */
export interface ResponseContext {
  seq: number;
  model: string;
  createdSeconds: number;
}

/** Structured output the client asked for, and how it expects to receive it. */
export interface SchemaRequest {
  schema: JsonSchema;
  /** `text`: JSON in the message text; `json-tool`: a forced tool call named `json` (Anthropic). */
  via: "text" | "json-tool";
}

export interface WireAdapter {
  wire: Wire;
  schemaRequest(body: Record<string, unknown>): SchemaRequest | undefined;
  /** True when the client asked for the usage chunk in a stream. */
  wantsStreamUsage(body: Record<string, unknown>): boolean;
  completionBody(context: ResponseContext, content: Content, usage: TokenUsage): unknown;
  /** Every event of a successful stream, terminator included. */
  streamEvents(
    context: ResponseContext,
    content: Content,
    usage: TokenUsage,
    options: StreamOptions,
  ): SseEvent[];
  errorBody(status: number, errorType: string | undefined, message: string): unknown;
  errorEvent(errorType: string | undefined, message: string): SseEvent;
  malformedEvent(raw: string): SseEvent;
}

export interface StreamOptions {
  chunkChars: number;
  includeUsage: boolean;
}

/** Splits text into deltas of at most `size` characters (at least one delta, possibly empty). */
export function chunkText(text: string, size: number): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += Math.max(1, size)) chunks.push(text.slice(i, i + Math.max(1, size)));
  return chunks.length > 0 ? chunks : [""];
}

/** Encodes one event in SSE framing. */
export function encodeSse(event: SseEvent): string {
  return `${event.event ? `event: ${event.event}\n` : ""}data: ${event.data}\n\n`;
}
