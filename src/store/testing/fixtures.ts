/**
 * Builders and a fake clock for the conformance suite: plain data, no mocks of the store itself.
 */
import { createHash } from "node:crypto";
import type { NewRun, RunEvent } from "../../spec/index.js";

export interface Clock {
  readonly now: () => number;
  advance(ms: number): void;
  reset(): void;
  readonly startMs: number;
}

export function fakeClock(startMs = 1_700_000_000_000): Clock {
  let nowMs = startMs;
  return {
    startMs,
    now: () => nowMs,
    advance: (ms) => {
      nowMs += ms;
    },
    reset: () => {
      nowMs = startMs;
    },
  };
}

export const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

export const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text);

export function newRun(id: string, overrides: Partial<NewRun> = {}): NewRun {
  return {
    id,
    workflowName: "strategy",
    workflowHash: "wf-hash-1",
    definition: bytesOf(`name: strategy\n# ${id.length}`),
    inputs: { topic: "pricing", depth: 2 },
    ...overrides,
  };
}

export const runStart: RunEvent = { type: "run-start", workflowName: "strategy", workflowHash: "wf-hash-1" };

export const stepStart = (stepId: string, attempt = 1): RunEvent => ({ type: "step-start", stepId, attempt });

export const stepEnd = (stepId: string, attempt = 1): RunEvent => ({
  type: "step-end",
  stepId,
  attempt,
  output: { ok: true, note: 'ünïcödé ✓ \u0000 "quoted"' },
});

export const modelCallStart = (stepId: string, callKey: string): RunEvent => ({
  type: "model-call-start",
  stepId,
  attempt: 1,
  callKey,
  model: "openai:gpt-5-mini",
});

export const modelCallEnd = (stepId: string, callKey: string, text = "answer"): RunEvent => ({
  type: "model-call-end",
  stepId,
  attempt: 1,
  callKey,
  model: "openai:gpt-5-mini",
  outcome: "ok",
  result: { text },
  usage: { inputTokens: 10, outputTokens: 5 },
  costUsd: 0.0001,
  durationMs: 12,
});

export const humanInputRequest = (requestId: string, stepId = "approve"): RunEvent => ({
  type: "human-input-request",
  requestId,
  stepId,
  kind: "approval",
  prompt: "Approve the plan?",
});

export const humanInputResponse = (requestId: string): RunEvent => ({
  type: "human-input-response",
  requestId,
  response: { approved: true },
  respondedBy: "ana",
});

export const documentVersion = (
  documentId: string,
  version: number,
  blobHash: string,
  sizeBytes: number,
): RunEvent => ({
  type: "document-version",
  documentId,
  version,
  blobHash,
  sizeBytes,
  stepId: `write-${documentId}`,
  attempt: 1,
  model: "anthropic:claude-sonnet",
  inputVersions: version > 1 ? [{ documentId, version: version - 1 }] : [],
});

/** Deterministic pseudo-random bytes (xorshift): big content without a slow generator or a fixture file. */
export function pseudoRandomBytes(sizeBytes: number, seed = 42): Uint8Array {
  const bytes = new Uint8Array(sizeBytes);
  const words = new Uint32Array(bytes.buffer, 0, Math.floor(sizeBytes / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < sizeBytes; i++) bytes[i] = i & 0xff;
  return bytes;
}

/** Resolves to the rejection of `promise`, failing when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}
