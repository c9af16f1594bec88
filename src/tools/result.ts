/**
 * An MCP `tools/call` result as plain data a model can read: text parts joined, other parts named
 * (an image is not forwarded to the model as bytes), structured content kept as JSON.
 */
import type { JsonValue, ToolResult } from "../spec/index.js";

interface McpContentPart {
  type: string;
  text?: string;
  mimeType?: string;
  resource?: { uri?: string; text?: string };
}

export function toolResultFromMcp(raw: Record<string, unknown>): ToolResult {
  // Old servers answer `{ toolResult }` instead of content parts (the SDK's compatibility shape).
  const result: { content?: unknown; structuredContent?: unknown; isError?: unknown } =
    "toolResult" in raw && !("content" in raw)
      ? { content: [{ type: "text", text: JSON.stringify(raw.toolResult) }] }
      : raw;
  const parts = Array.isArray(result.content) ? (result.content as McpContentPart[]) : [];
  const text = parts.map(partText).join("\n");
  return {
    text,
    ...(result.structuredContent !== undefined ? { structured: result.structuredContent as JsonValue } : {}),
    isError: result.isError === true,
  };
}

function partText(part: McpContentPart): string {
  switch (part.type) {
    case "text":
      return part.text ?? "";
    case "resource":
      return part.resource?.text ?? `[resource ${part.resource?.uri ?? ""}]`;
    default:
      return `[${part.type}${part.mimeType ? ` ${part.mimeType}` : ""}]`;
  }
}
