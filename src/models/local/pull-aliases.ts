/**
 * Short names for well-known small instruction-tuned GGUF models, so `quorum models pull qwen2.5-0.5b`
 * needs no URL. All are Q4_K_M or Q8_0 quantisations of permissively usable models that run on a
 * laptop CPU; check each model's licence before relying on it. The table is plain data: `--json`
 * and the docs print it as is.
 */

export interface PullAlias {
  /** What the user types. */
  alias: string;
  url: string;
  /** Approximate download size, for the listing (MB). */
  sizeMb: number;
  description: string;
}

const hf = (repo: string, file: string) => `https://huggingface.co/${repo}/resolve/main/${file}`;

export const pullAliases: readonly PullAlias[] = Object.freeze([
  {
    alias: "smollm2-360m",
    url: hf("HuggingFaceTB/SmolLM2-360M-Instruct-GGUF", "smollm2-360m-instruct-q8_0.gguf"),
    sizeMb: 386,
    description: "SmolLM2 360M Instruct, Q8_0: the smallest useful chat model, fast anywhere",
  },
  {
    alias: "qwen2.5-0.5b",
    url: hf("Qwen/Qwen2.5-0.5B-Instruct-GGUF", "qwen2.5-0.5b-instruct-q4_k_m.gguf"),
    sizeMb: 491,
    description: "Qwen2.5 0.5B Instruct, Q4_K_M: tiny, good at following JSON schemas",
  },
  {
    alias: "qwen2.5-1.5b",
    url: hf("Qwen/Qwen2.5-1.5B-Instruct-GGUF", "qwen2.5-1.5b-instruct-q4_k_m.gguf"),
    sizeMb: 1120,
    description: "Qwen2.5 1.5B Instruct, Q4_K_M",
  },
  {
    alias: "llama3.2-1b",
    url: hf("bartowski/Llama-3.2-1B-Instruct-GGUF", "Llama-3.2-1B-Instruct-Q4_K_M.gguf"),
    sizeMb: 808,
    description: "Llama 3.2 1B Instruct, Q4_K_M",
  },
  {
    alias: "llama3.2-3b",
    url: hf("bartowski/Llama-3.2-3B-Instruct-GGUF", "Llama-3.2-3B-Instruct-Q4_K_M.gguf"),
    sizeMb: 2020,
    description: "Llama 3.2 3B Instruct, Q4_K_M: the best of these for drafting documents",
  },
]);

/** The alias entry for a name, or undefined when `name` is not one (it may be a URL). */
export function pullAlias(name: string): PullAlias | undefined {
  return pullAliases.find((entry) => entry.alias === name.toLowerCase());
}
