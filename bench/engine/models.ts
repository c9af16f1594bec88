/**
 * The mock model every engine bench and its plain-promises floor call: the same function, so the
 * difference between the two is the engine. Latency comes from a per-step table (the prompt is the
 * step id) or one fixed value; 0 answers without a timer (an already-resolved promise). Benches never
 * cancel, so it ignores the abort signal (listening on it would only add work the floor does not do).
 */
import type { ModelClient, ModelRequest, ModelResponse } from "../../src/spec/index.js";

export interface BenchModel extends ModelClient {
  calls: number;
  /** Bytes of answer text returned so far: the "raw output" journal bytes are compared with. */
  outputBytes: number;
}

export interface BenchModelOptions {
  latencyMs?: number;
  latencyMsByStep?: ReadonlyMap<string, number>;
  /** Answer text (default ~200 bytes of markdown, then the prompt and a call number, so no two answers are equal); JSON documents get `{title, body}` with it. */
  text?: string;
}

const defaultText = `# Result\n\n${"The quick brown fox jumps over the lazy dog. ".repeat(4)}`;

export function benchModel(options: BenchModelOptions = {}): BenchModel {
  const text = options.text ?? defaultText;
  const client: BenchModel = {
    specificationVersion: "v1",
    calls: 0,
    outputBytes: 0,
    generate(request: ModelRequest): Promise<ModelResponse> {
      client.calls++;
      // Every answer is distinct, like real documents: the store cannot skip writing any of them.
      const unique = `${text}\n${request.prompt} #${client.calls}`;
      const answer = request.schema ? JSON.stringify({ title: "Result", body: unique }) : unique;
      client.outputBytes += Buffer.byteLength(answer);
      const response: ModelResponse = {
        text: answer,
        model: "bench/mock",
        usage: { inputTokens: 50, outputTokens: 60 },
        costUsd: 0,
      };
      const latencyMs = options.latencyMsByStep?.get(request.prompt) ?? options.latencyMs ?? 0;
      if (latencyMs <= 0) return Promise.resolve(response);
      return new Promise((resolve) => setTimeout(() => resolve(response), latencyMs));
    },
  };
  return client;
}

/** The request a step makes, for the plain-promises floor (same mock, no engine). */
export const floorRequest = (stepId: string): ModelRequest => ({ models: ["bench/mock"], prompt: stepId });
