/**
 * The routing policies, each a small scoring function over the same facts about a model: higher
 * is better. Facts are normalized to 0..1 so the policies weigh like with like.
 */
import type { Complexity, Policy } from "./types.js";

/** What a policy sees about one qualified model. */
export interface ModelFacts {
  /** Estimated quality for the task, 0..1 (posterior mean, or a Thompson draw when exploring). */
  readonly quality: number;
  /** 1 for free, 0 for the most expensive model in the pool (log scale). */
  readonly cheapness: number;
  readonly priceUsdPerMTok: number;
  readonly latencyMs: number;
}

export interface PolicyScore {
  readonly score: number;
  readonly reason: string;
}

/** Quality a model must be expected to reach to count as capable, by task complexity. */
export const capableQuality: Readonly<Record<Complexity, number>> = { low: 0.5, medium: 0.6, high: 0.7 };

/** Balanced weights of quality against cheapness, by complexity: hard tasks pay for quality. */
const qualityWeight: Readonly<Record<Complexity, number>> = { low: 0.3, medium: 0.5, high: 0.75 };

/** Whether the policy explores with Thompson draws (learning) or exploits the posterior mean. */
export const explores = (policy: Policy): boolean => policy === "balanced";

const fmt = (n: number) => n.toFixed(3);

export function scoreByPolicy(policy: Policy, facts: ModelFacts, complexity: Complexity): PolicyScore {
  switch (policy) {
    case "cheapest-capable": {
      const needed = capableQuality[complexity];
      // Capable models all rank above incapable ones; among them the cheapest wins.
      return facts.quality >= needed
        ? {
            score: 1 + facts.cheapness,
            reason: `capable (quality ${fmt(facts.quality)} ≥ ${needed}), cheapest first`,
          }
        : {
            score: facts.quality,
            reason: `below the ${complexity}-complexity bar (${fmt(facts.quality)} < ${needed})`,
          };
    }
    case "balanced":
    case "local-only": {
      const w = qualityWeight[complexity];
      return {
        score: w * facts.quality + (1 - w) * facts.cheapness,
        reason: `${w}×quality ${fmt(facts.quality)} + ${fmt(1 - w)}×cheapness ${fmt(facts.cheapness)}`,
      };
    }
    case "best-quality":
      return {
        score: facts.quality + 0.001 * facts.cheapness,
        reason: `quality ${fmt(facts.quality)} (cheaper wins a tie)`,
      };
    case "fastest": {
      const speed = 1000 / (1000 + facts.latencyMs);
      return {
        score: 0.8 * speed + 0.2 * facts.quality,
        reason: `0.8×speed ${fmt(speed)} (~${Math.round(facts.latencyMs)} ms) + 0.2×quality ${fmt(facts.quality)}`,
      };
    }
    default: {
      const exhaustive: never = policy;
      throw new Error(`unknown routing policy ${String(exhaustive)}`);
    }
  }
}
