import { describe, expect, it } from "vitest";
import type { QualityObservation } from "../../spec/index.js";
import { defaultHalfLifeMs, learnQuality, posteriorMean, thompsonSample, withPrior } from "./bandit.js";
import { sampleBeta, seededRandom } from "./random.js";

const obs = (score: number, atMs: number): QualityObservation => ({
  id: `${score}-${atMs}`,
  taskType: "coding",
  model: "m/a",
  score,
  source: "gate",
  runId: "r",
  stepId: "s",
  atMs,
});

describe("discounted Beta bandit", () => {
  it("adds scores as fractional successes and halves evidence every half-life", () => {
    const fresh = learnQuality([obs(0.8, 1000)], { nowMs: 1000 }).get("m/a")!;
    expect(fresh.alpha).toBeCloseTo(0.8);
    expect(fresh.beta).toBeCloseTo(0.2);
    const old = learnQuality([obs(0.8, 0)], { nowMs: defaultHalfLifeMs }).get("m/a")!;
    expect(old.weight).toBeCloseTo(0.5);
    expect(old.alpha).toBeCloseTo(0.4);
  });

  it("recent evidence outweighs old evidence (a model that got worse is noticed)", () => {
    const day = 24 * 3600 * 1000;
    const history = [
      ...Array.from({ length: 10 }, (_, i) => obs(1, i)),
      ...Array.from({ length: 5 }, () => obs(0, 60 * day)),
    ];
    const mean = posteriorMean(withPrior(learnQuality(history, { nowMs: 60 * day }).get("m/a"), 0.5));
    expect(mean).toBeLessThan(0.3);
  });

  it("the prior is all an untried model has", () => {
    expect(posteriorMean(withPrior(undefined, 0.7))).toBeCloseTo(0.7);
  });

  it("Thompson draws are reproducible from the seed and centre on the mean", () => {
    const posterior = withPrior(
      learnQuality(
        Array.from({ length: 40 }, (_, i) => obs(i % 4 === 0 ? 0 : 1, 0)),
        { nowMs: 0 },
      ).get("m/a"),
      0.5,
    );
    const a = seededRandom(42);
    const b = seededRandom(42);
    expect(thompsonSample(posterior, a)).toBe(thompsonSample(posterior, b));
    const random = seededRandom(1);
    const draws = Array.from({ length: 2000 }, () => sampleBeta(posterior.alpha, posterior.beta, random));
    const average = draws.reduce((s, d) => s + d, 0) / draws.length;
    expect(average).toBeCloseTo(posteriorMean(posterior), 1);
    expect(draws.every((d) => d >= 0 && d <= 1)).toBe(true);
  });
});
