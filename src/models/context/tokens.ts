/**
 * Prompt size in tokens, counted with gpt-tokenizer's o200k_base encoding (GPT-4o and later). For
 * other vendors' models this is an approximation (their tokenizers differ by roughly ±20 % on English
 * text); it is used only to estimate budgets and to choose models whose window can hold the prompt,
 * never to bill: billing uses the usage the provider reports.
 */
import type { ModelRequest } from "../../spec/index.js";

type Tokenizer = typeof import("gpt-tokenizer");
let tokenizer: Promise<Tokenizer> | undefined;
/**
 * Loaded on first use: its BPE table takes a second or more to load, which every CLI command and
 * worker would otherwise pay at start even when nothing is counted.
 */
const loadTokenizer = (): Promise<Tokenizer> => {
  tokenizer ??= import("gpt-tokenizer");
  return tokenizer;
};

/** Per-message framing tokens (role markers) the chat formats add around each message. */
const messageOverheadTokens = 4;

/** Counting is linear in prompt size and not free for long prompts: each request is counted once. */
const counted = new WeakMap<ModelRequest, number>();

/** Approximate prompt tokens of a request: system, prompt and the JSON schema it sends. */
export async function countPromptTokens(request: ModelRequest): Promise<number> {
  const known = counted.get(request);
  if (known !== undefined) return known;
  const { countTokens } = await loadTokenizer();
  let total = countTokens(request.prompt) + messageOverheadTokens;
  if (request.system) total += countTokens(request.system) + messageOverheadTokens;
  if (request.schema) total += countTokens(JSON.stringify(request.schema));
  counted.set(request, total);
  return total;
}

/** Approximate tokens of one text (same encoding as `countPromptTokens`). */
export async function countTextTokens(text: string): Promise<number> {
  const { countTokens } = await loadTokenizer();
  return countTokens(text);
}

/** The request with other candidate models; the prompt is unchanged, so its count carries over. */
export function withCandidates(request: ModelRequest, models: readonly string[]): ModelRequest {
  const copy = { ...request, models };
  const known = counted.get(request);
  if (known !== undefined) counted.set(copy, known);
  return copy;
}

/**
 * The first `maxTokens` tokens of `text`, with a note saying how much was cut so the model knows the
 * document continues; the text itself when it fits. Deterministic, so a resumed run renders the same prompt.
 */
export async function truncateToTokens(text: string, maxTokens: number): Promise<string> {
  if (text.length <= maxTokens) return text; // a token is at least one character
  const { decode, encode } = await loadTokenizer();
  const tokens = encode(text);
  if (tokens.length <= maxTokens) return text;
  return `${decode(tokens.slice(0, maxTokens))}\n[… truncated: first ${maxTokens} of ${tokens.length} tokens]`;
}
