import { describe, expect, it } from "vitest";
import type { JournalEntry, RunEvent } from "../../spec/index.js";
import { explainStep, renderExplanation } from "./explain.js";
import { modelStats, renderModelStats } from "./model-stats.js";

const entries = (events: RunEvent[]): JournalEntry[] =>
  events.map((event, seq) => ({ seq, atMs: 1000 + seq, event }));

const decision = (stepId: string, n: number, models: string[], taskType = "writing"): RunEvent => ({
  type: "route-decision",
  decisionId: `${stepId}.r1.a1.${n}`,
  stepId,
  attempt: 1,
  round: 1,
  purpose: "document",
  source: "routed",
  policy: "balanced",
  taskType,
  models,
  candidates: models.map((ref, i) => ({ ref, score: 1 - i / 10, reasons: [`reason for ${ref}`] })),
  rejected: [{ ref: "openai/gpt-5", reason: "provider unavailable: no key" }],
});
const start = (stepId: string, callKey: string, model: string): RunEvent => ({
  type: "model-call-start",
  stepId,
  attempt: 1,
  callKey,
  model,
});
const end = (stepId: string, callKey: string, model: string, ok: boolean, durationMs = 100): RunEvent => ({
  type: "model-call-end",
  stepId,
  attempt: 1,
  callKey,
  model,
  outcome: ok ? "ok" : "error",
  ...(ok ? { costUsd: 0.0012 } : { error: { name: "ModelCallError", message: "503 from provider" } }),
  durationMs,
});

const journal = entries([
  decision("write", 1, ["a/cheap", "b/good"]),
  start("write", "k1", "a/cheap"),
  start("other", "k9", "a/cheap"),
  end("write", "k1", "a/cheap", false, 50),
  start("write", "k2", "a/cheap"),
  end("write", "k2", "b/good", true, 300),
  decision("write", 2, ["b/good"]),
  start("write", "k3", "b/good"),
]);

describe("explainStep", () => {
  it("shows a budget downgrade on the call it moved, with its reason", () => {
    const explained = explainStep(
      "run_1",
      "write",
      entries([
        decision("write", 1, ["b/good"]),
        start("write", "k1", "b/good"),
        {
          type: "budget-downgrade",
          stepId: "write",
          attempt: 1,
          callKey: "k1",
          scope: "step",
          fromModels: ["b/good"],
          toModels: ["a/cheap"],
          source: "catalog",
          reason: "the step budget cannot cover b/good",
        },
        end("write", "k1", "a/cheap", true),
      ]),
    );
    expect(explained.decisions[0]!.calls).toEqual([
      expect.objectContaining({
        model: "a/cheap",
        outcome: "ok",
        downgrade: { toModels: ["a/cheap"], reason: "the step budget cannot cover b/good" },
      }),
    ]);
    expect(renderExplanation(explained)).toContain(
      "budget downgrade to a/cheap: the step budget cannot cover b/good",
    );
  });

  it("attaches each call to the decision before it, in order, and keeps in-flight calls", () => {
    const explained = explainStep("run_1", "write", journal);
    expect(explained.decisions).toHaveLength(2);
    expect(explained.decisions[0]!.calls).toEqual([
      { attempt: 1, model: "a/cheap", outcome: "error", durationMs: 50, error: "503 from provider" },
      { attempt: 1, model: "b/good", outcome: "ok", costUsd: 0.0012, durationMs: 300 },
    ]);
    expect(explained.decisions[1]!.calls).toEqual([{ attempt: 1, model: "b/good", outcome: "in-flight" }]);
  });

  it("renders reasons, rejections and calls as text", () => {
    const text = renderExplanation(explainStep("run_1", "write", journal));
    expect(text).toContain(
      "decision write.r1.a1.1 (document, round 1, attempt 1): routed — policy balanced, task writing",
    );
    expect(text).toContain("models to try: a/cheap → b/good");
    expect(text).toContain("reason for b/good");
    expect(text).toContain("openai/gpt-5: provider unavailable: no key");
    expect(text).toContain("→ b/good · ok · $0.001200 · 300 ms");
    expect(text).toContain("→ a/cheap · error · cost unknown · 50 ms — 503 from provider");
    expect(renderExplanation(explainStep("run_1", "nothing", journal))).toContain("made no routing decision");
  });
});

describe("modelStats", () => {
  it("aggregates calls by the task type their step was routed for, and quality from observations", () => {
    const rows = modelStats(
      [journal, entries([start("x", "z", "b/good"), end("x", "z", "b/good", true, 100)])],
      [
        {
          id: "1",
          taskType: "writing",
          model: "b/good",
          score: 0.9,
          source: "gate",
          runId: "r",
          stepId: "write",
          atMs: 1,
        },
        {
          id: "2",
          taskType: "writing",
          model: "b/good",
          score: 0.5,
          source: "feedback",
          runId: "r",
          stepId: "write",
          atMs: 2,
        },
      ],
    );
    expect(rows).toEqual([
      {
        taskType: "general",
        model: "b/good",
        calls: 1,
        succeeded: 1,
        successRate: 1,
        costUsd: 0.0012,
        latencyMsP50: 100,
        gateScores: 0,
        ratings: 0,
      },
      {
        taskType: "writing",
        model: "a/cheap",
        calls: 1,
        succeeded: 0,
        successRate: 0,
        costUsd: 0,
        gateScores: 0,
        ratings: 0,
      },
      {
        taskType: "writing",
        model: "b/good",
        calls: 1,
        succeeded: 1,
        successRate: 1,
        costUsd: 0.0012,
        latencyMsP50: 300,
        quality: 0.7,
        gateScores: 1,
        ratings: 1,
      },
    ]);
    const text = renderModelStats(rows, "30d");
    expect(text).toMatch(/writing\s+b\/good\s+0\.700\s+2\s+100\.0%\s+1\s+0\.001200\s+300/);
    expect(renderModelStats([], "7d")).toContain("no model calls or quality observations in the last 7d");
  });
});
