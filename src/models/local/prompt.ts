/**
 * The AI SDK prompt as a node-llama-cpp chat: system messages become the system prompt, earlier
 * turns the chat history, and the last user message the prompt to answer. Only text travels; a
 * file, tool call or tool result is reported as unsupported rather than silently dropped.
 */
import type { LanguageModelV3Prompt, SharedV3Warning } from "@ai-sdk/provider";

/** node-llama-cpp's `ChatHistoryItem`, restated so this file needs no import of the optional package. */
export type LocalChatItem =
  | { type: "system"; text: string }
  | { type: "user"; text: string }
  | { type: "model"; response: string[] };

export interface LocalChat {
  /** Everything before the prompt, starting with the system message when there is one. */
  history: LocalChatItem[];
  /** The user message to answer. */
  prompt: string;
  warnings: SharedV3Warning[];
}

export function toLocalChat(prompt: LanguageModelV3Prompt): LocalChat {
  const warnings: SharedV3Warning[] = [];
  const system: string[] = [];
  const turns: LocalChatItem[] = [];
  const textOf = (parts: ReadonlyArray<{ type: string; text?: string }>) => {
    const texts: string[] = [];
    for (const part of parts) {
      if (part.type === "text" && part.text !== undefined) texts.push(part.text);
      else if (part.type !== "reasoning")
        warnings.push({
          type: "unsupported",
          feature: `${part.type} parts`,
          details: "local models get text only",
        });
    }
    return texts.join("\n");
  };
  for (const message of prompt) {
    switch (message.role) {
      case "system":
        system.push(message.content);
        break;
      case "user":
        turns.push({ type: "user", text: textOf(message.content) });
        break;
      case "assistant":
        turns.push({ type: "model", response: [textOf(message.content)] });
        break;
      case "tool":
        warnings.push({
          type: "unsupported",
          feature: "tool results",
          details: "local models do not call tools",
        });
        break;
    }
  }
  const last = turns.at(-1);
  let question = "";
  if (last?.type === "user") {
    turns.pop();
    question = last.text;
  }
  const history: LocalChatItem[] = [
    ...(system.length ? [{ type: "system" as const, text: system.join("\n\n") }] : []),
    ...turns,
  ];
  return { history, prompt: question, warnings };
}
