/**
 * Our tool-calling vocabulary in AI SDK terms. Tools are declared WITHOUT `execute`: the SDK only
 * relays the model's calls back to us, because tools run in the agent step, where each call is
 * journaled and answered from the journal on resume, never inside the model layer.
 */
import { jsonSchema, type ModelMessage as SdkMessage, type SystemModelMessage, type ToolSet, tool } from "ai";
import type { ModelMessage, ModelRequest, ModelToolCall } from "../../spec/index.js";

/** `tools` for `generateText`, or undefined when the request offers none. */
export function sdkTools(request: ModelRequest): ToolSet | undefined {
  if (!request.tools || request.tools.length === 0) return undefined;
  return Object.fromEntries(
    request.tools.map((t) => [
      t.name,
      tool({
        ...(t.description ? { description: t.description } : {}),
        inputSchema: jsonSchema(t.inputSchema),
      }),
    ]),
  );
}

/**
 * The system prompt, marked as a prompt-cache breakpoint when `cache` is set (Anthropic): a step's
 * system prompt (role instructions, and the schema for JSON-mode providers) is the part repeated
 * across a map's items, an ensemble's members, re-asks and retries, so later calls within the cache's
 * 5 minutes read it at a tenth of the input price. Anthropic caches only prefixes of 1,024+ tokens
 * (2,048 on Haiku) and ignores the mark on shorter ones, which then cost nothing extra.
 */
export function sdkSystem(
  system: string | undefined,
  cache: boolean,
): string | SystemModelMessage | undefined {
  if (system === undefined || !cache) return system;
  return {
    role: "system",
    content: system,
    providerOptions: { anthropic: { cacheControl: { type: "ephemeral" } } },
  };
}

/** The prompt plus the continued conversation, as SDK messages (undefined: a plain prompt is enough). */
export function sdkMessages(request: ModelRequest): SdkMessage[] | undefined {
  if (!request.messages || request.messages.length === 0) return undefined;
  return [{ role: "user", content: request.prompt }, ...request.messages.map(toSdkMessage)];
}

function toSdkMessage(message: ModelMessage): SdkMessage {
  switch (message.role) {
    case "user":
      return { role: "user", content: message.text };
    case "assistant":
      return {
        role: "assistant",
        content: [
          ...(message.text ? [{ type: "text" as const, text: message.text }] : []),
          ...(message.toolCalls ?? []).map((call) => ({
            type: "tool-call" as const,
            toolCallId: call.id,
            toolName: call.name,
            input: call.args,
          })),
        ],
      };
    case "tool":
      return {
        role: "tool",
        content: message.results.map((r) => ({
          type: "tool-result" as const,
          toolCallId: r.id,
          toolName: r.name,
          output: r.isError
            ? { type: "error-text" as const, value: r.output }
            : { type: "text" as const, value: r.output },
        })),
      };
    default:
      return assertNever(message);
  }
}

/** The SDK's tool calls as plain data (arguments are objects; anything else becomes `{}`). */
export function toolCallsFromSdk(
  calls: ReadonlyArray<{ toolCallId: string; toolName: string; input: unknown }>,
): ModelToolCall[] {
  return calls.map((call) => ({
    id: call.toolCallId,
    name: call.toolName,
    args:
      call.input && typeof call.input === "object" && !Array.isArray(call.input)
        ? (call.input as Record<string, unknown>)
        : {},
  }));
}

function assertNever(value: never): never {
  throw new Error(`unknown message ${JSON.stringify(value)}`);
}
