/**
 * One loaded GGUF model: weights, one context and one sequence, loaded once per process (weights are
 * hundreds of MB to GB, loading takes seconds) and shared by every call for that path. A sequence
 * evaluates one prompt at a time, so calls are serialised through a promise chain: a second step
 * waits for the first instead of corrupting its state. An abort while waiting leaves the queue at once.
 */
import { availableParallelism } from "node:os";
import { type Llama, loadLlama, type NodeLlamaCpp } from "./node-llama.js";

type LlamaModel = Awaited<ReturnType<Llama["loadModel"]>>;
type LlamaContext = Awaited<ReturnType<LlamaModel["createContext"]>>;
export type LlamaContextSequence = ReturnType<LlamaContext["getSequence"]>;
export type LlamaGrammar = Awaited<ReturnType<Llama["getGrammarFor"]>>;

export interface LocalHostSettings {
  /** CPU threads for evaluation; busy-waiting threads on a crowded machine cost more than they give. */
  threads: number;
  /** Upper bound of the context size; the model's own training length caps it too. */
  maxContextTokens: number;
}

/** Settings from the environment: QUORUM_LOCAL_THREADS, QUORUM_LOCAL_CONTEXT. */
export function hostSettingsFromEnv(env: Record<string, string | undefined>): LocalHostSettings {
  const positive = (value: string | undefined) => {
    const n = Number(value);
    return Number.isInteger(n) && n > 0 ? n : undefined;
  };
  return {
    threads: positive(env.QUORUM_LOCAL_THREADS) ?? Math.max(1, Math.min(4, availableParallelism() - 1)),
    maxContextTokens: positive(env.QUORUM_LOCAL_CONTEXT) ?? 4096,
  };
}

export interface LocalModelHost {
  readonly path: string;
  readonly module: NodeLlamaCpp;
  readonly llama: Llama;
  readonly model: LlamaModel;
  readonly sequence: LlamaContextSequence;
  /** A grammar for the schema (cached by its JSON), or the generic JSON grammar as a fallback. */
  grammarFor(schema: unknown): Promise<{ grammar: LlamaGrammar; exact: boolean }>;
  /** Runs `work` when every earlier call on this model has finished. */
  exclusive<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

const hosts = new Map<string, Promise<LocalModelHost>>();

/** The host for a GGUF file, loading it on first use; a failed load is not cached. */
export function localModelHost(path: string, settings: LocalHostSettings): Promise<LocalModelHost> {
  let host = hosts.get(path);
  if (!host) {
    host = openHost(path, settings);
    hosts.set(path, host);
    host.catch(() => hosts.delete(path));
  }
  return host;
}

async function openHost(path: string, settings: LocalHostSettings): Promise<LocalModelHost> {
  const { module, llama } = await loadLlama();
  const model = await llama.loadModel({ modelPath: path });
  const context = await model.createContext({
    contextSize: { max: settings.maxContextTokens },
    threads: settings.threads,
  });
  const sequence = context.getSequence();
  const grammars = new Map<string, Promise<{ grammar: LlamaGrammar; exact: boolean }>>();
  let tail: Promise<unknown> = Promise.resolve();

  return {
    path,
    module,
    llama,
    model,
    sequence,
    grammarFor(schema) {
      const key = JSON.stringify(schema);
      let grammar = grammars.get(key);
      if (!grammar) {
        grammar = llama
          .createGrammarForJsonSchema(schema as Parameters<Llama["createGrammarForJsonSchema"]>[0])
          .then((g) => ({ grammar: g as LlamaGrammar, exact: true }))
          // A schema feature the grammar compiler lacks still gets syntactically valid JSON; the step
          // validates the document and re-asks, as with any provider.
          .catch(async () => ({ grammar: await llama.getGrammarFor("json"), exact: false }));
        grammars.set(key, grammar);
      }
      return grammar;
    },
    exclusive(work, signal) {
      const turn = tail.then(() => {
        signal?.throwIfAborted();
        return work();
      });
      tail = turn.catch(() => undefined);
      if (!signal) return turn;
      return new Promise((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        signal.addEventListener("abort", onAbort, { once: true });
        turn.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
      });
    },
  };
}
