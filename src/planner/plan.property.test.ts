import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ExecutionPlan } from "../spec/index.js";
import {
  approvalStep,
  arbiterStep,
  modelStep,
  type StepDraft,
  workflow,
} from "../testing/workflow-builder.js";
import { plan } from "./plan.js";

/** A random DAG: step i consumes documents of earlier steps; the file lists steps in a shuffled order. */
const randomDag = fc
  .integer({ min: 1, max: 40 })
  .chain((count) =>
    fc.record({
      deps: fc.tuple(
        ...Array.from({ length: count }, (_, i) =>
          fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, i - 1) }), { maxLength: i === 0 ? 0 : 3 }),
        ),
      ),
      needs: fc.array(fc.integer({ min: 0, max: count - 1 }), { maxLength: count }),
      durationsMs: fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: count, maxLength: count }),
      kinds: fc.array(fc.constantFrom("model", "approval", "arbiter"), {
        minLength: count,
        maxLength: count,
      }),
      routes: fc.array(fc.integer({ min: 0, max: count - 1 }), { minLength: count, maxLength: count }),
      order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: count, maxLength: count }),
    }),
  )
  .map(({ deps, needs, durationsMs, kinds, routes, order }) => {
    const steps: StepDraft[] = deps.map((from, i) => {
      const fields = {
        inputs: from.map((d) => `doc-${d}`),
        outputs: [`doc-${i}`],
        needs: needs.filter((n) => n < i && n % 5 === i % 5).map((n) => `step-${n}`),
        estimate: { durationMs: durationsMs[i]! },
      };
      // Arbiter routes may point anywhere, up or down the graph: a loop must never become a cycle.
      if (kinds[i] === "arbiter")
        return arbiterStep(`step-${i}`, {
          ...fields,
          routes: { go: { steps: [`step-${routes[i]}`] } },
          default: "go",
        });
      return kinds[i] === "approval" ? approvalStep(`step-${i}`, fields) : modelStep(`step-${i}`, fields);
    });
    const shuffled = steps.map((step, i) => ({ step, key: order[i]! })).sort((a, b) => a.key - b.key);
    return workflow("random")
      .step(...shuffled.map((s) => s.step))
      .build();
  });

function checkInvariants(result: ExecutionPlan): void {
  const byId = new Map(result.steps.map((step) => [step.id, step]));
  const { parallelMs, sequentialMs } = result.estimate;
  for (const step of result.steps) {
    let start = 0;
    for (const dep of step.dependsOn) {
      const before = byId.get(dep)!;
      expect(before.layer).toBeLessThan(step.layer);
      start = Math.max(start, before.earliestStartMs + before.durationMs);
    }
    expect(step.earliestStartMs).toBe(start);
    expect(step.slackMs).toBeGreaterThanOrEqual(0);
    expect(parallelMs).toBeGreaterThanOrEqual(step.durationMs);
    expect(parallelMs).toBeGreaterThanOrEqual(step.earliestStartMs + step.durationMs + step.slackMs);
  }
  expect(parallelMs).toBeLessThanOrEqual(sequentialMs);
  expect(result.layers.flat().sort()).toEqual(result.steps.map((step) => step.id).sort());

  const path = result.criticalPath.steps.map((id) => byId.get(id)!);
  expect(path.length).toBeGreaterThan(0);
  expect(path[0]!.dependsOn).toEqual([]);
  path.forEach((step, k) => {
    expect(step.critical).toBe(true);
    expect(step.slackMs).toBe(0);
    if (k > 0) expect(step.dependsOn).toContain(path[k - 1]!.id);
  });
  expect(path.reduce((sum, step) => sum + step.durationMs, 0)).toBe(parallelMs);
  expect(result.steps.filter((step) => step.critical)).toHaveLength(path.length);
}

describe("plan over random DAGs", () => {
  it("keeps layers, timing and the critical path consistent", () => {
    fc.assert(
      fc.property(randomDag, (built) => {
        checkInvariants(plan(built, { prices: {} }));
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic", () => {
    fc.assert(
      fc.property(randomDag, (built) => {
        expect(plan(built, { prices: {} })).toEqual(plan(built, { prices: {} }));
      }),
      { numRuns: 50 },
    );
  });
});
