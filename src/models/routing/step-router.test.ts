import { describe, expect, it } from "vitest";
import type { QualityObservation, RouteRequest, Step, Workflow } from "../../spec/index.js";
import { builtinCatalog } from "../catalog/index.js";
import { createStepRouter, routableModels } from "./step-router.js";

const step = (routing: Record<string, unknown> = {}): Step =>
  ({
    id: "write",
    kind: "model",
    models: [],
    routing,
    inputs: [],
    outputs: ["doc"],
    needs: [],
  }) as unknown as Step;

const request = (fields: Partial<RouteRequest> = {}): RouteRequest => ({
  runId: "run_1",
  workflow: {} as Workflow,
  step: step({ task: "coding", policy: "best-quality" }),
  attempt: 1,
  round: 1,
  explicit: [],
  purpose: "document",
  needsJson: true,
  sensitive: false,
  ...fields,
});

const groqOnly = (id: string) => (id === "groq" ? undefined : `${id}: no key`);

describe("createStepRouter", () => {
  it("lists catalog models with their availability, skipping aliases", () => {
    const models = routableModels(builtinCatalog(), groqOnly);
    expect(models.some((m) => m.ref.startsWith("groq/") && m.unavailableReason === undefined)).toBe(true);
    expect(models.find((m) => m.ref.startsWith("openai/"))?.unavailableReason).toBe("openai: no key");
    expect(models.every((m) => !builtinCatalog().models[m.ref]?.aliasOf)).toBe(true);
  });

  it("reads learned quality for the step's task type only, and it changes the ranking", async () => {
    const queries: unknown[] = [];
    let observations: QualityObservation[] = [];
    const router = createStepRouter({
      catalog: builtinCatalog(),
      providerUnavailable: groqOnly,
      quality: {
        listQualityObservations: async (query) => {
          queries.push(query);
          return observations;
        },
      },
      now: () => 1_000,
    });
    const before = await router(request());
    expect(queries).toEqual([{ taskType: "coding" }]);
    expect(before).toMatchObject({ source: "routed", policy: "best-quality", taskType: "coding" });
    const top = before.models[0]!;
    observations = Array.from({ length: 6 }, (_, i) => ({
      id: `o${i}`,
      taskType: "coding",
      model: top,
      score: 0,
      source: "gate" as const,
      runId: "r",
      stepId: "s",
      atMs: 1_000,
    }));
    const after = await router(request());
    expect(after.models[0]).not.toBe(top);
    expect(after.candidates.find((c) => c.ref === top)?.reasons.join(" ")).toContain("6 observation(s)");
  });

  it("uses per-call hints over the step's, and does not read the store for explicit models", async () => {
    let reads = 0;
    const router = createStepRouter({
      catalog: builtinCatalog(),
      providerUnavailable: groqOnly,
      quality: {
        listQualityObservations: async () => {
          reads++;
          return [];
        },
      },
      now: () => 0,
    });
    const judged = await router(request({ hints: { task: "review", policy: "fastest" } }));
    expect(judged).toMatchObject({ taskType: "review", policy: "fastest" });
    const named = await router(request({ explicit: ["openai/gpt-4o-mini"] }));
    expect(named).toMatchObject({ source: "explicit", models: ["openai/gpt-4o-mini"] });
    expect(reads).toBe(1);
  });
});
