/**
 * Learned quality per (task type, model): a discounted Beta-Bernoulli bandit. Every observation (a gate
 * score or a person's rating, 0..1) adds `weight × score` to alpha and `weight × (1 - score)` to beta,
 * where `weight = 0.5^(age / halfLife)`: old evidence fades, so a model that got better (or worse) is
 * noticed. The prior is a few pseudo-observations at the model's prior quality, so an untried model is
 * neither ignored nor trusted. Thompson sampling (a draw from the posterior) explores; the mean exploits.
 */
import type { QualityObservation } from "../../spec/index.js";
import { sampleBeta } from "./random.js";

/** Evidence about one model for one task type. */
export interface QualityPosterior {
  readonly alpha: number;
  readonly beta: number;
  /** Observations that contributed (before discounting). */
  readonly observations: number;
  /** Their total weight after discounting. */
  readonly weight: number;
}

export interface BanditOptions {
  readonly nowMs: number;
  /** Default 14 days. */
  readonly halfLifeMs?: number;
}

/** Weight of the prior, in pseudo-observations. */
export const priorStrength = 2;
export const defaultHalfLifeMs = 14 * 24 * 60 * 60 * 1000;

/** Discounted evidence per model, from observations of one task type. */
export function learnQuality(
  observations: readonly QualityObservation[],
  options: BanditOptions,
): ReadonlyMap<string, QualityPosterior> {
  const halfLifeMs = options.halfLifeMs ?? defaultHalfLifeMs;
  const byModel = new Map<string, QualityPosterior>();
  for (const observation of observations) {
    const ageMs = Math.max(0, options.nowMs - observation.atMs);
    const weight = 0.5 ** (ageMs / halfLifeMs);
    const score = Math.min(1, Math.max(0, observation.score));
    const previous = byModel.get(observation.model) ?? { alpha: 0, beta: 0, observations: 0, weight: 0 };
    byModel.set(observation.model, {
      alpha: previous.alpha + weight * score,
      beta: previous.beta + weight * (1 - score),
      observations: previous.observations + 1,
      weight: previous.weight + weight,
    });
  }
  return byModel;
}

/** The posterior with the prior added: what the router reasons with. */
export function withPrior(evidence: QualityPosterior | undefined, priorQuality: number): QualityPosterior {
  const alpha = priorStrength * priorQuality + (evidence?.alpha ?? 0);
  const beta = priorStrength * (1 - priorQuality) + (evidence?.beta ?? 0);
  return { alpha, beta, observations: evidence?.observations ?? 0, weight: evidence?.weight ?? 0 };
}

export const posteriorMean = (posterior: QualityPosterior): number =>
  posterior.alpha / (posterior.alpha + posterior.beta);

/** One Thompson draw: optimistic about models with little evidence, so they get tried. */
export const thompsonSample = (posterior: QualityPosterior, random: () => number): number =>
  sampleBeta(posterior.alpha, posterior.beta, random);
