/**
 * `quorum stats models`: per task type and model, how good (gate scores and ratings), how dear, how
 * fast and how reliable. Pure: run journals and quality observations in, rows and text out. A call's
 * task type is the one its step was routed for (its latest `route-decision`), else `general`.
 */
import type { JournalEntry, QualityObservation } from "../../spec/index.js";

export interface ModelStatsRow {
  readonly taskType: string;
  readonly model: string;
  readonly calls: number;
  readonly succeeded: number;
  /** 0..1; undefined without calls. */
  readonly successRate?: number;
  readonly costUsd: number;
  readonly latencyMsP50?: number;
  /** Mean of gate scores and ratings, 0..1; undefined without observations. */
  readonly quality?: number;
  readonly gateScores: number;
  readonly ratings: number;
}

interface Tally {
  calls: number;
  succeeded: number;
  costUsd: number;
  durationsMs: number[];
  scoreSum: number;
  gateScores: number;
  ratings: number;
}

export function modelStats(
  journals: readonly (readonly JournalEntry[])[],
  observations: readonly QualityObservation[],
): ModelStatsRow[] {
  const tallies = new Map<string, Tally & { taskType: string; model: string }>();
  const tally = (taskType: string, model: string) => {
    const key = `${taskType}\u0000${model}`;
    let t = tallies.get(key);
    if (!t) {
      t = {
        taskType,
        model,
        calls: 0,
        succeeded: 0,
        costUsd: 0,
        durationsMs: [],
        scoreSum: 0,
        gateScores: 0,
        ratings: 0,
      };
      tallies.set(key, t);
    }
    return t;
  };
  for (const journal of journals) {
    const taskOfStep = new Map<string, string>();
    for (const { event } of journal) {
      if (event.type === "route-decision" && event.taskType) taskOfStep.set(event.stepId, event.taskType);
      if (event.type !== "model-call-end") continue;
      const t = tally(taskOfStep.get(event.stepId) ?? "general", event.model);
      t.calls++;
      if (event.outcome === "ok") {
        t.succeeded++;
        t.durationsMs.push(event.durationMs);
      }
      t.costUsd += event.costUsd ?? 0;
    }
  }
  for (const o of observations) {
    const t = tally(o.taskType, o.model);
    t.scoreSum += o.score;
    if (o.source === "gate") t.gateScores++;
    else t.ratings++;
  }
  return [...tallies.values()]
    .map((t) => {
      const observed = t.gateScores + t.ratings;
      return {
        taskType: t.taskType,
        model: t.model,
        calls: t.calls,
        succeeded: t.succeeded,
        ...(t.calls > 0 ? { successRate: t.succeeded / t.calls } : {}),
        costUsd: Math.round(t.costUsd * 1e6) / 1e6,
        ...(t.durationsMs.length > 0 ? { latencyMsP50: median(t.durationsMs) } : {}),
        ...(observed > 0 ? { quality: Math.round((t.scoreSum / observed) * 1000) / 1000 } : {}),
        gateScores: t.gateScores,
        ratings: t.ratings,
      };
    })
    .sort((a, b) =>
      a.taskType === b.taskType ? (a.model < b.model ? -1 : 1) : a.taskType < b.taskType ? -1 : 1,
    );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

export function renderModelStats(rows: readonly ModelStatsRow[], sinceLabel: string): string {
  if (rows.length === 0) return `no model calls or quality observations in the last ${sinceLabel}`;
  const header = ["task", "model", "quality", "n(q)", "success", "calls", "cost USD", "p50 ms"];
  const body = rows.map((r) => [
    r.taskType,
    r.model,
    r.quality === undefined ? "-" : r.quality.toFixed(3),
    String(r.gateScores + r.ratings),
    r.successRate === undefined ? "-" : `${(r.successRate * 100).toFixed(1)}%`,
    String(r.calls),
    r.costUsd.toFixed(6),
    r.latencyMsP50 === undefined ? "-" : String(r.latencyMsP50),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [
    `models over the last ${sinceLabel} (quality: mean of gate scores and ratings, 0..1)`,
    line(header),
    ...body.map(line),
  ].join("\n");
}
