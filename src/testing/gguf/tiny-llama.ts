/**
 * A tiny random-weight llama model as GGUF, so the in-process local-model path (node-llama-cpp) runs
 * for real in CI, where no real weights can be downloaded. Its answers are noise, but constrained by a
 * JSON-schema grammar they are schema-valid JSON, which is all a test of the plumbing needs.
 *
 * The vocabulary holds the 256 byte tokens `<0x00>`..`<0xFF>` (llama.cpp aborts on an SPM vocabulary
 * without them), BOS/EOS/UNK, and the printable ASCII characters as ordinary tokens.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { encodeGguf, type GgufTensor, type GgufValue } from "./gguf-writer.js";

export interface TinyLlamaOptions {
  /** Seed of the weights: the same seed gives the same file, byte for byte. */
  seed?: number;
  layers?: number;
  embeddingLength?: number;
  heads?: number;
  feedForwardLength?: number;
  contextLength?: number;
  /**
   * Answer briefly: end strings, arrays, objects and the answer itself as soon as a grammar allows,
   * but never leave a string empty. A random model otherwise writes thousands of tokens of string
   * or whitespace before it happens to pick a closing token, so a document with prose fields hits
   * the output cap (and node-llama-cpp's grammar does not enforce `minLength`). Off by default: the
   * weights of existing seeds stay byte for byte the same.
   */
  terse?: boolean;
}

const tokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

/** The vocabulary: UNK, BOS, EOS, 256 byte tokens, printable ASCII (space as SentencePiece's `▁`). */
export function tinyVocabulary(): { tokens: string[]; types: number[] } {
  const tokens = ["<unk>", "<s>", "</s>"];
  const types: number[] = [tokenType.unknown, tokenType.control, tokenType.control];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
    types.push(tokenType.byte);
  }
  for (let code = 0x20; code < 0x7f; code++) {
    tokens.push(code === 0x20 ? "\u2581" : String.fromCharCode(code));
    types.push(tokenType.normal);
  }
  return { tokens, types };
}

/**
 * Tokens a terse model prefers whenever the grammar allows them, with their weights: a closing
 * quote first (so a string ends before it can fill with brackets), then the ends of arrays, objects
 * and the answer, and a comma last (so an array ends after its first item instead of growing).
 */
const closingWeights: Record<string, number> = { '"': 3, "]": 2.5, "}": 2.5, "</s>": 2.5, ",": 2 };

/** mulberry32: a small, fast, seedable PRNG (test weights need reproducibility, not quality). */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The GGUF bytes of a tiny llama model (a few hundred KB with the defaults). */
export function tinyLlamaGguf(options: TinyLlamaOptions = {}): Buffer {
  const random = prng(options.seed ?? 1);
  const layers = options.layers ?? 2;
  const embd = options.embeddingLength ?? 64;
  const heads = options.heads ?? 4;
  const ff = options.feedForwardLength ?? 128;
  const context = options.contextLength ?? 2048;
  const { tokens, types } = tinyVocabulary();
  const vocab = tokens.length;

  const weights = (shape: number[], scale = 0.08): GgufTensor["data"] => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = (random() * 2 - 1) * scale;
    return data;
  };
  const ones = (n: number) => new Float32Array(n).fill(1);
  const embeddings = weights([embd, vocab], 1);
  const output = weights([embd, vocab]);
  if (options.terse) {
    // The last position's hidden state is mostly its own token's embedding (the random layers are
    // small), so the output head acts like a bigram table read from two marked dimensions:
    // dimension 0 is a large constant in every embedding, and the closing tokens read it with a
    // large weight, so they win (in the order of `closingWeights`) wherever the grammar allows them; dimension 1 marks the quote
    // token, after which `a` is preferred and another quote suppressed, so a string that was just
    // opened gets at least one character (a string that was just closed cannot continue with `a`).
    const quote = tokens.indexOf('"');
    for (let token = 0; token < vocab; token++) embeddings[token * embd] = 8;
    embeddings[quote * embd + 1] = 8;
    for (const [text, weight] of Object.entries(closingWeights)) output[tokens.indexOf(text) * embd] = weight;
    output[quote * embd + 1] = -4;
    output[tokens.indexOf("a") * embd + 1] = 4;
  }
  const tensors: GgufTensor[] = [
    { name: "token_embd.weight", shape: [embd, vocab], data: embeddings },
    { name: "output_norm.weight", shape: [embd], data: ones(embd) },
    { name: "output.weight", shape: [embd, vocab], data: output },
  ];
  for (let layer = 0; layer < layers; layer++) {
    const t = (name: string, shape: number[], data = weights(shape)) =>
      tensors.push({ name: `blk.${layer}.${name}.weight`, shape, data });
    t("attn_norm", [embd], ones(embd));
    t("attn_q", [embd, embd]);
    t("attn_k", [embd, embd]);
    t("attn_v", [embd, embd]);
    t("attn_output", [embd, embd]);
    t("ffn_norm", [embd], ones(embd));
    t("ffn_gate", [embd, ff]);
    t("ffn_up", [embd, ff]);
    t("ffn_down", [ff, embd]);
  }

  const metadata: Array<[string, GgufValue]> = [
    ["general.architecture", { type: "string", value: "llama" }],
    ["general.name", { type: "string", value: "quorum-tiny-random" }],
    ["general.file_type", { type: "uint32", value: 0 }],
    ["llama.context_length", { type: "uint32", value: context }],
    ["llama.embedding_length", { type: "uint32", value: embd }],
    ["llama.block_count", { type: "uint32", value: layers }],
    ["llama.feed_forward_length", { type: "uint32", value: ff }],
    ["llama.attention.head_count", { type: "uint32", value: heads }],
    ["llama.attention.head_count_kv", { type: "uint32", value: heads }],
    ["llama.rope.dimension_count", { type: "uint32", value: embd / heads }],
    ["llama.attention.layer_norm_rms_epsilon", { type: "float32", value: 1e-5 }],
    ["llama.vocab_size", { type: "uint32", value: vocab }],
    ["tokenizer.ggml.model", { type: "string", value: "llama" }],
    ["tokenizer.ggml.tokens", { type: "string-array", value: tokens }],
    ["tokenizer.ggml.scores", { type: "float32-array", value: tokens.map(() => 0) }],
    ["tokenizer.ggml.token_type", { type: "int32-array", value: types }],
    ["tokenizer.ggml.unknown_token_id", { type: "uint32", value: 0 }],
    ["tokenizer.ggml.bos_token_id", { type: "uint32", value: 1 }],
    ["tokenizer.ggml.eos_token_id", { type: "uint32", value: 2 }],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
  ];
  return encodeGguf(metadata, tensors);
}

/** Writes a tiny model to `file` (creating its folder) and returns the path. */
export function writeTinyLlamaGguf(file: string, options: TinyLlamaOptions = {}): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, tinyLlamaGguf(options));
  return file;
}
