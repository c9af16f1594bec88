/**
 * node-llama-cpp is an optional peer dependency (about 700 MB with its GPU builds), so it is imported
 * lazily, only when a `local/...` model is actually called, and its absence is a one-line fix the
 * error names. Loading the native library is slow (seconds), so it happens once per process.
 */
import { createRequire } from "node:module";

/** The subset of the node-llama-cpp module quorum uses (kept as a type so nothing loads eagerly). */
export type NodeLlamaCpp = typeof import("node-llama-cpp");
export type Llama = Awaited<ReturnType<NodeLlamaCpp["getLlama"]>>;

/** Raised when node-llama-cpp is not installed; the message is the fix. */
export class LocalRuntimeMissingError extends Error {
  override name = "LocalRuntimeMissingError";
  readonly isUserError = true;
  constructor(cause?: unknown) {
    super(
      "local models need the optional package node-llama-cpp, which is not installed. Install it next to quorum with `npm install node-llama-cpp` (prebuilt binaries, no compiler needed), or serve the model with Ollama or llama.cpp and use ollama/<model> instead.",
      { cause },
    );
  }
}

const require = createRequire(import.meta.url);

/** True when node-llama-cpp can be resolved from here; cheap and synchronous (no native code loads). */
export function nodeLlamaCppInstalled(): boolean {
  try {
    require.resolve("node-llama-cpp");
    return true;
  } catch {
    return false;
  }
}

let loading: Promise<{ module: NodeLlamaCpp; llama: Llama }> | undefined;

/**
 * The module and a CPU-or-GPU `Llama` instance, created on first use and shared by every local
 * model of the process. `build: "never"`: a missing prebuilt binary must be an error, not a
 * minutes-long compile started behind the user's back.
 */
export function loadLlama(): Promise<{ module: NodeLlamaCpp; llama: Llama }> {
  loading ??= (async () => {
    let module: NodeLlamaCpp;
    try {
      module = await import("node-llama-cpp");
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_MODULE_NOT_FOUND")
        throw new LocalRuntimeMissingError(error);
      throw error;
    }
    const gpu = process.env.QUORUM_LOCAL_GPU === "1" ? "auto" : false;
    const llama = await module.getLlama({ gpu, build: "never", logLevel: module.LlamaLogLevel.error });
    return { module, llama };
  })();
  // A failed load may be fixed (package installed) without restarting: do not cache the failure.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
