import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { QualityObservation, Routing } from "../../spec/index.js";
import { learnQuality } from "./bandit.js";
import { allHealthy, type HealthView } from "./health.js";
import { seededRandom } from "./random.js";
import { route } from "./route.js";
import type { RoutableModel, RouteInput } from "./types.js";

const model = (ref: string, fields: Partial<RoutableModel> = {}): RoutableModel => ({
  ref,
  local: false,
  capabilities: ["json"],
  priceUsdPerMTok: 1,
  typicalLatencyMs: 1500,
  ...fields,
});

const pool: RoutableModel[] = [
  model("cheap/mini", { priceUsdPerMTok: 0.5 }),
  model("mid/standard", { priceUsdPerMTok: 5 }),
  model("dear/frontier", { priceUsdPerMTok: 40, capabilities: ["json", "tools", "vision"] }),
  model("fast/llama", { priceUsdPerMTok: 1.5, typicalLatencyMs: 300 }),
  model("ollama/llama3.1:8b", { local: true, priceUsdPerMTok: 0, typicalLatencyMs: 2000 }),
];

const input = (fields: Partial<RouteInput> = {}, hints: Routing = {}): RouteInput => ({
  explicit: [],
  localProviders: new Set(["ollama"]),
  hints,
  needsJson: true,
  sensitive: false,
  models: pool,
  health: allHealthy,
  learned: new Map(),
  random: seededRandom(7),
  ...fields,
});

const observe = (model: string, score: number, n: number, atMs = 0): QualityObservation[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `${model}-${i}`,
    taskType: "general",
    model,
    score,
    source: "feedback" as const,
    runId: "r",
    stepId: "s",
    atMs,
  }));

describe("route", () => {
  it("keeps explicit models in their order and records why", () => {
    const decision = route(input({ explicit: ["mid/standard", "cheap/mini", "mid/standard"] }));
    expect(decision.source).toBe("explicit");
    expect(decision.models).toEqual(["mid/standard", "cheap/mini"]);
    expect(decision.candidates[0]?.reasons[0]).toContain("named explicitly");
  });

  it("drops hosted explicit models for sensitive content and fails closed when none is local", () => {
    const some = route(input({ explicit: ["cheap/mini", "ollama/llama3.1:8b"], sensitive: true }));
    expect(some.models).toEqual(["ollama/llama3.1:8b"]);
    expect(some.rejected).toEqual([{ ref: "cheap/mini", reason: "hosted, and the content is sensitive" }]);
    const none = route(input({ explicit: ["cheap/mini"], sensitive: true }));
    expect(none.source).toBe("unroutable");
    expect(none.error).toMatch(/sensitive.*fails closed.*Fix:/);
  });

  it("fails closed with a clear message when sensitive and no local model is available", () => {
    const models = pool.map((m) => (m.local ? { ...m, unavailableReason: "ollama is not running" } : m));
    const decision = route(input({ models, sensitive: true }));
    expect(decision.source).toBe("unroutable");
    expect(decision.models).toEqual([]);
    expect(decision.error).toContain("no local model qualifies");
    expect(decision.rejected.map((r) => r.reason)).toContain("provider unavailable: ollama is not running");
  });

  it("cheapest-capable: low complexity takes the free local model, harder tasks pay for quality", () => {
    expect(route(input({}, { complexity: "low" })).models[0]).toBe("ollama/llama3.1:8b");
    const medium = route(input({}, { complexity: "medium" }));
    expect(medium.models[0]).toBe("mid/standard");
    expect(medium.candidates[0]?.reasons.join(" ")).toContain("capable");
    expect(route(input({}, { complexity: "high" })).models[0]).toBe("dear/frontier");
  });

  it("best-quality picks the dearest tier, fastest the low-latency provider", () => {
    expect(route(input({}, { policy: "best-quality" })).models[0]).toBe("dear/frontier");
    expect(route(input({}, { policy: "fastest" })).models[0]).toBe("fast/llama");
  });

  it("local-only routes to local models only", () => {
    const decision = route(input({}, { policy: "local-only" }));
    expect(decision.models).toEqual(["ollama/llama3.1:8b"]);
  });

  it("requires capabilities: only the frontier model has vision", () => {
    expect(route(input({}, { capabilities: ["vision"] })).models).toEqual(["dear/frontier"]);
    expect(route(input({ needsJson: true, models: [model("x/nojson", { capabilities: [] })] })).source).toBe(
      "unroutable",
    );
  });

  it("skips open breakers and discounts error-prone models", () => {
    const health: HealthView = {
      health: (ref) =>
        ref === "ollama/llama3.1:8b"
          ? { breaker: "open" }
          : ref === "cheap/mini"
            ? { breaker: "closed", errorRate: 0.9 }
            : undefined,
    };
    const decision = route(input({ health }, { complexity: "low" }));
    expect(decision.models).not.toContain("ollama/llama3.1:8b");
    expect(decision.models[0]).toBe("fast/llama");
    expect(decision.rejected).toContainEqual({ ref: "ollama/llama3.1:8b", reason: "circuit breaker open" });
  });

  it("learned quality changes the choice: bad ratings push the cheapest model below the bar", () => {
    const before = route(input({}, { complexity: "low" }));
    expect(before.models[0]).toBe("ollama/llama3.1:8b");
    const learned = learnQuality(observe("ollama/llama3.1:8b", 0, 4), { nowMs: 0 });
    const after = route(input({ learned }, { complexity: "low" }));
    expect(after.models[0]).toBe("cheap/mini");
    expect(after.candidates.find((c) => c.ref === "ollama/llama3.1:8b")?.reasons.join(" ")).toContain(
      "4 observation(s)",
    );
  });

  it("is deterministic for the same input and seed", () => {
    const hints: Routing = { policy: "balanced" };
    expect(route(input({ random: seededRandom(3) }, hints))).toEqual(
      route(input({ random: seededRandom(3) }, hints)),
    );
  });
});

const arbitraryModel = fc.record({
  ref: fc.constantFrom("a/one", "b/two", "c/three", "ollama/x", "ollama/y", "d/four"),
  local: fc.boolean(),
  capabilities: fc.subarray(["json", "tools", "vision", "long-context"]),
  priceUsdPerMTok: fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: undefined }),
  typicalLatencyMs: fc.integer({ min: 50, max: 5000 }),
  unavailableReason: fc.option(fc.constant("no key"), { nil: undefined }),
});
const arbitraryHints = fc.record(
  {
    policy: fc.constantFrom("cheapest-capable", "balanced", "best-quality", "fastest", "local-only" as const),
    complexity: fc.constantFrom("low", "medium", "high" as const),
    capabilities: fc.subarray(["json", "tools", "vision", "long-context"] as const),
  },
  { requiredKeys: [] },
);

describe("route properties", () => {
  const dedupe = (models: RoutableModel[]) => [...new Map(models.map((m) => [m.ref, m])).values()];

  it("never routes sensitive content to a hosted model, and meets every required capability", () => {
    fc.assert(
      fc.property(
        fc.array(arbitraryModel, { maxLength: 8 }),
        arbitraryHints,
        fc.boolean(),
        fc.boolean(),
        fc.integer(),
        (models, hints, sensitive, needsJson, seed) => {
          const unique = dedupe(models as RoutableModel[]);
          const decision = route(
            input({ models: unique, sensitive, needsJson, random: seededRandom(seed) }, hints as Routing),
          );
          const byRef = new Map(unique.map((m) => [m.ref, m]));
          for (const ref of decision.models) {
            const chosen = byRef.get(ref)!;
            if (sensitive || hints.policy === "local-only") expect(chosen.local).toBe(true);
            for (const c of [...(hints.capabilities ?? []), ...(needsJson ? ["json"] : [])])
              expect(chosen.capabilities).toContain(c);
            expect(chosen.unavailableReason).toBeUndefined();
          }
          if (decision.models.length === 0) expect(decision.error).toBeTruthy();
        },
      ),
    );
  });

  it("respects explicit models: only named ones, in order, minus hosted ones when sensitive", () => {
    const refs = fc.constantFrom("a/one", "b/two", "ollama/x", "ollama/y");
    fc.assert(
      fc.property(
        fc.array(refs, { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        arbitraryHints,
        (explicit, sensitive, hints) => {
          const decision = route(input({ explicit, sensitive }, hints as Routing));
          const localOnly = sensitive || hints.policy === "local-only";
          const expected = [...new Set(explicit)].filter((r) => !localOnly || r.startsWith("ollama/"));
          expect(decision.models).toEqual(expected);
        },
      ),
    );
  });
});
