/**
 * Is an answer a refusal? Decided from what the provider said, never from the answer's wording:
 * the AI SDK's unified `content-filter` finish reason (OpenAI `content_filter`, an OpenAI
 * `message.refusal` / streamed `delta.refusal`, Anthropic `stop_reason: "refusal"`, Gemini safety
 * blocks) and, in case an adapter maps a raw reason to `other`, the raw reasons themselves. A refusal
 * is a failure of that model for that request: the fallback asks the next candidate.
 */

/** Raw finish reasons that mean "the model or its provider declined to answer". */
const refusalRawReasons: ReadonlySet<string> = new Set([
  "refusal", // Anthropic
  "content_filter", // OpenAI and compatible servers
  "safety", // Gemini and several compatible servers
  "prohibited_content",
  "blocklist",
  "spii",
  "image_safety",
  "recitation",
]);

export interface FinishInfo {
  /** The SDK's unified finish reason (`stop`, `length`, `content-filter`, `tool-calls`, ...). */
  readonly finishReason?: string;
  /** The provider's own finish reason, as sent on the wire. */
  readonly rawFinishReason?: string;
  /** The answer text: with an OpenAI refusal, the model's explanation. */
  readonly text?: string;
}

/** The refusal's one-line description for the trace and the final error, or undefined. */
export function refusalOf(finish: FinishInfo): string | undefined {
  const raw = finish.rawFinishReason?.toLowerCase();
  const refused =
    finish.finishReason === "content-filter" || (raw !== undefined && refusalRawReasons.has(raw));
  if (!refused) return undefined;
  const why = raw && raw !== "stop" ? ` (${raw})` : " (content filter)";
  const said = finish.text ? oneLine(finish.text) : "";
  return `the model refused to answer${why}${said ? `: "${said}"` : ""}`;
}

const maxQuotedChars = 160;

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > maxQuotedChars ? `${flat.slice(0, maxQuotedChars - 1)}…` : flat;
}
