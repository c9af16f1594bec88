/**
 * Cost of a routing decision (docs/routing.md): `route` over the whole built-in catalog with every
 * provider available and 2,000 learned observations, per policy; the explicit-models path; and
 * `learnQuality` folding those observations. A routed step pays `learnQuality` + `route` once per
 * attempt. Target (ours, not DESIGN.md's): a routed decision p50 < 1 ms, so routing stays small next
 * to any real model call.
 */
import { builtinCatalog } from "../src/models/catalog/index.js";
import {
  allHealthy,
  learnQuality,
  type Policy,
  type RouteInput,
  routableModels,
  route,
  seededRandom as routerRandom,
} from "../src/models/routing/index.js";
import type { QualityObservation } from "../src/spec/index.js";
import { type BenchModule, measure, ms, seededRandom } from "./harness.js";

const targetMs = 1;
const policies: Policy[] = ["cheapest-capable", "balanced", "best-quality", "fastest", "local-only"];

const bench: BenchModule = {
  name: "routing",
  description: "route() over the built-in catalog with learned quality, per policy",
  run() {
    const catalog = builtinCatalog();
    const models = routableModels(catalog, () => undefined);
    const random = seededRandom(7);
    const observations: QualityObservation[] = Array.from({ length: 2_000 }, (_, i) => ({
      id: `o${i}`,
      taskType: "coding",
      model: models[Math.floor(random() * models.length)]!.ref,
      score: random(),
      source: i % 3 === 0 ? "feedback" : "gate",
      runId: "r",
      stepId: "s",
      atMs: Math.floor(random() * 30 * 86_400_000),
    }));
    const learned = learnQuality(observations, { nowMs: 30 * 86_400_000 });
    const input = (policy: Policy, explicit: string[] = []): RouteInput => ({
      explicit,
      localProviders: new Set(
        Object.values(catalog.providers)
          .filter((p) => p.local)
          .map((p) => p.id),
      ),
      hints: { task: "coding", policy, complexity: "medium" },
      needsJson: true,
      sensitive: false,
      models,
      health: allHealthy,
      learned,
      random: routerRandom(1),
    });
    const options = { warmup: 200, iterations: 2_000 };
    const byPolicy = Object.fromEntries(policies.map((p) => [p, measure(() => route(input(p)), options)]));
    const explicit = measure(
      () => route(input("balanced", ["openai/gpt-4o-mini", "groq/llama-3.1-8b-instant"])),
      options,
    );
    const learning = measure(() => learnQuality(observations, { nowMs: 30 * 86_400_000 }), {
      warmup: 20,
      iterations: 200,
    });
    const worstP50 = Math.max(...Object.values(byPolicy).map((t) => t.p50Ms));
    const ok = worstP50 < targetMs;
    return {
      data: {
        catalogModels: models.length,
        observations: observations.length,
        byPolicy,
        explicit,
        learnQuality: learning,
      },
      summary: `routing over ${models.length} models: worst policy p50 ${ms(worstP50)} (target < ${targetMs} ms: ${ok ? "ok" : "MISSED"}); explicit p50 ${ms(explicit.p50Ms)}; learnQuality(2,000) p50 ${ms(learning.p50Ms)}`,
      ok,
    };
  },
};

export default bench;
