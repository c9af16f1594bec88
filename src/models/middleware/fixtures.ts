/**
 * Builders for unit tests of a single middleware (and for benches): an `AttemptCall` with sensible
 * defaults and a scripted `next` that answers or throws in order, recording every call it sees.
 */
import { builtinCatalog, type ProviderPreset } from "../catalog/index.js";
import { CallState } from "./call-state.js";
import type { AttemptFailure } from "./classify.js";
import { type AttemptCall, AttemptError, type AttemptResult, type AttemptTarget } from "./contract.js";

export function target(
  ref: string,
  extra: Partial<AttemptTarget> & { provider?: Partial<ProviderPreset> } = {},
): AttemptTarget {
  const [providerId, ...rest] = ref.split("/");
  const { provider, ...fields } = extra;
  return {
    ref,
    modelId: rest.join("/"),
    provider: {
      id: providerId!,
      displayName: providerId!,
      kind: "openai",
      local: false,
      openModelSet: false,
      apiKeyRequired: true,
      ...provider,
    },
    ...fields,
  };
}

export function attemptCall(extra: Partial<AttemptCall> = {}): AttemptCall {
  const candidates = extra.candidates ?? [target("p/m")];
  return {
    request: { models: candidates.map((candidate) => candidate.ref), prompt: "hi" },
    candidates,
    target: candidates[0]!,
    estimatedTokens: 100,
    state: new CallState(builtinCatalog()),
    ...extra,
  };
}

export const answer = (text = "ok", tokens = 10): AttemptResult => ({
  text,
  usage: { inputTokens: tokens, outputTokens: 0 },
  finishReason: "stop",
});

export const fails = (failure: AttemptFailure) => new AttemptError(failure);
export const serverError = () =>
  fails({ type: "retryable", status: 503, message: "HTTP 503", errorClass: "server" });

/** A `next` that replays `steps` in order (the last one repeats), recording each call it receives. */
export function scripted(...steps: Array<AttemptResult | Error>) {
  const calls: AttemptCall[] = [];
  const next = async (call: AttemptCall): Promise<AttemptResult> => {
    const step = steps[Math.min(calls.length, steps.length - 1)]!;
    calls.push(call);
    if (step instanceof Error) throw step;
    return step;
  };
  return { next, calls };
}
