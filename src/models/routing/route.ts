/**
 * `route`: which models a step should ask, in order, and why. Pure and deterministic given its input
 * (the only randomness is the injected seeded `random`, used by exploring policies).
 *
 * Hard rules first — privacy (sensitive content or `local-only`: local models only, and with none the
 * step fails closed), provider availability, required capabilities (`json` when a schema is asked
 * for), a known price for hosted models, an open circuit breaker — then the policy scores what is left
 * from price, learned quality for the task type and latency, discounted by recent error rate.
 */
import type { RouteDecision, RouteRejectionRecord } from "../../spec/index.js";
import { posteriorMean, thompsonSample, withPrior } from "./bandit.js";
import { explores, scoreByPolicy } from "./policies.js";
import type { RoutableModel, RouteInput, Scored } from "./types.js";

export const defaultPolicy = "cheapest-capable";
export const defaultMaxModels = 3;
/** Candidates kept in the journaled decision (the rest only counted). */
const recordedCandidates = 8;

export function route(input: RouteInput): RouteDecision {
  const policy = input.hints.policy ?? defaultPolicy;
  const complexity = input.hints.complexity ?? "medium";
  const taskType = input.hints.task ?? "general";
  const localOnly = input.sensitive || policy === "local-only";
  const base = { policy, taskType, complexity };
  if (input.explicit.length > 0) return explicitDecision(input, localOnly, base);

  const rejections = new Map<string, string[]>();
  const reject = (ref: string, reason: string) =>
    rejections.set(reason, [...(rejections.get(reason) ?? []), ref]);
  const required = [...new Set([...(input.needsJson ? ["json"] : []), ...(input.hints.capabilities ?? [])])];
  const qualified: RoutableModel[] = [];
  for (const model of input.models) {
    const missing = required.filter((c) => !model.capabilities.includes(c));
    const breaker = input.health.health(model.ref)?.breaker;
    if (model.unavailableReason) reject(model.ref, `provider unavailable: ${model.unavailableReason}`);
    else if (localOnly && !model.local)
      reject(
        model.ref,
        input.sensitive ? "hosted, and the content is sensitive" : "hosted, and the policy is local-only",
      );
    else if (missing.length > 0) reject(model.ref, `lacks ${missing.join(", ")}`);
    else if (!model.local && model.priceUsdPerMTok === undefined)
      reject(model.ref, "hosted with no known price");
    else if (breaker === "open") reject(model.ref, "circuit breaker open");
    else qualified.push(model);
  }
  const rejected = groupRejections(rejections);
  if (qualified.length === 0)
    return {
      source: "unroutable",
      ...base,
      models: [],
      candidates: [],
      rejected,
      error: noModelMessage(input, localOnly, required),
    };

  const prices = input.models.flatMap((m) => (m.priceUsdPerMTok === undefined ? [] : [m.priceUsdPerMTok]));
  const hostedPrices = input.models.flatMap((m) =>
    !m.local && m.priceUsdPerMTok !== undefined ? [m.priceUsdPerMTok] : [],
  );
  const allRange = logRange(prices);
  const hostedRange = logRange(hostedPrices);
  const scored = qualified.map((model) =>
    scoreModel(model, input, policy, complexity, allRange, hostedRange),
  );
  scored.sort((a, b) => b.score - a.score || (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  const maxModels = input.maxModels ?? defaultMaxModels;
  return {
    source: "routed",
    ...base,
    models: scored.slice(0, maxModels).map((s) => s.ref),
    candidates: scored
      .slice(0, Math.max(maxModels, recordedCandidates))
      .map((s) => ({ ...s, score: round(s.score) })),
    rejected,
  };
}

function scoreModel(
  model: RoutableModel,
  input: RouteInput,
  policy: NonNullable<RouteInput["hints"]["policy"]>,
  complexity: NonNullable<RouteInput["hints"]["complexity"]>,
  allRange: LogRange,
  hostedRange: LogRange,
): Scored {
  const price = model.priceUsdPerMTok ?? 0;
  const prior = model.local ? 0.5 : 0.5 + 0.35 * logPosition(price, hostedRange);
  const evidence = input.learned.get(model.ref);
  const posterior = withPrior(evidence, prior);
  const mean = posteriorMean(posterior);
  const quality = explores(policy) ? thompsonSample(posterior, input.random) : mean;
  const health = input.health.health(model.ref);
  const latencyMs = health?.latencyMsP50 ?? model.typicalLatencyMs;
  const facts = { quality, cheapness: 1 - logPosition(price, allRange), priceUsdPerMTok: price, latencyMs };
  const byPolicy = scoreByPolicy(policy, facts, complexity);
  const errorRate = health?.errorRate ?? 0;
  const healthFactor = (1 - errorRate) * (health?.breaker === "half-open" ? 0.5 : 1);
  const reasons = [
    `${policy}: ${byPolicy.reason}`,
    model.local ? "local, free" : `$${price.toFixed(2)}/MTok in+out`,
    evidence
      ? `learned quality ${mean.toFixed(3)} from ${evidence.observations} observation(s) (prior ${prior.toFixed(2)})`
      : `no observations yet: prior quality ${prior.toFixed(2)} from price tier`,
    ...(explores(policy) ? [`explored with a Thompson draw ${quality.toFixed(3)}`] : []),
    ...(healthFactor < 1
      ? [`health: breaker ${health?.breaker}, error rate ${(errorRate * 100).toFixed(0)}%`]
      : []),
  ];
  return { ref: model.ref, score: byPolicy.score * healthFactor, reasons };
}

/** The cheapest and dearest price of a pool, on the log scale (`log1p`). */
interface LogRange {
  readonly low: number;
  readonly high: number;
}

function logRange(pool: readonly number[]): LogRange {
  if (pool.length === 0) return { low: 0, high: 0 };
  return { low: Math.log1p(Math.min(...pool)), high: Math.log1p(Math.max(...pool)) };
}

/** Where `price` sits between the cheapest and dearest of a pool, 0..1 on a log scale. */
function logPosition(price: number, { low, high }: LogRange): number {
  return high === low ? 0 : Math.min(1, Math.max(0, (Math.log1p(price) - low) / (high - low)));
}

function explicitDecision(
  input: RouteInput,
  localOnly: boolean,
  base: { policy: string; taskType: string; complexity: string },
): RouteDecision {
  const refs = [...new Set(input.explicit)];
  const isLocal = (ref: string) => input.localProviders.has(ref.split("/")[0] ?? "");
  const kept = localOnly ? refs.filter(isLocal) : refs;
  const rejected = refs
    .filter((ref) => !kept.includes(ref))
    .map((ref) => ({
      ref,
      reason: input.sensitive
        ? "hosted, and the content is sensitive"
        : "hosted, and the policy is local-only",
    }));
  const candidates = kept.map((ref, i) => ({
    ref,
    score: kept.length - i,
    reasons: [`named explicitly, position ${i + 1}`],
  }));
  if (kept.length === 0)
    return {
      source: "unroutable",
      ...base,
      models: [],
      candidates,
      rejected,
      error: noModelMessage(input, localOnly, []),
    };
  return { source: "explicit", ...base, models: kept, candidates, rejected };
}

function groupRejections(rejections: ReadonlyMap<string, string[]>): RouteRejectionRecord[] {
  return [...rejections.entries()].map(([reason, refs]) => ({
    ref: refs.length <= 3 ? refs.join(", ") : `${refs.slice(0, 3).join(", ")} and ${refs.length - 3} more`,
    reason,
  }));
}

function noModelMessage(input: RouteInput, localOnly: boolean, required: readonly string[]): string {
  if (localOnly)
    return `${input.sensitive ? "the step's content is sensitive" : "the step's routing policy is local-only"}, and no local model qualifies${input.explicit.length > 0 ? ` (it names only hosted models: ${input.explicit.join(", ")})` : ""}, so it fails closed rather than send it to a hosted provider. Fix: run a local model server (e.g. 'ollama serve' with a model from the catalog, or QUORUM_LOCAL_MODEL=path/to/model.gguf) and list it under models: or in quorum.config.yaml.`;
  return `no model in the catalog qualifies for this step${required.length > 0 ? ` (needs ${required.join(", ")})` : ""}: every model was rejected (see the reasons with 'quorum explain'). Fix: set a provider key such as OPENAI_API_KEY or GROQ_API_KEY, relax routing.capabilities, or name models: explicitly.`;
}

const round = (n: number) => Math.round(n * 10000) / 10000;
