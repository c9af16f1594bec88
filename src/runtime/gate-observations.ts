/**
 * What a gate's verdict teaches the router: every document the gate judged gets one quality
 * observation for (the task type of the step that wrote it, the model that wrote it), scored with the
 * gate's judge score, or 1/0 for pass/fail when it has no judge. Ids are derived from the run, gate,
 * round, attempt and document version, so a gate that runs again after a crash does not count twice.
 */
import type { JsonValue, QualityObservation, Step } from "../spec/index.js";
import type { RunScope } from "./types.js";

export function gateObservations(
  scope: RunScope,
  gate: Step,
  attempt: number,
  round: number,
  output: JsonValue | undefined,
): QualityObservation[] {
  if (gate.kind !== "gate" || scope.dryRun || !output || typeof output !== "object" || Array.isArray(output))
    return [];
  const report = output as { score?: unknown; passed?: unknown };
  const score = typeof report.score === "number" ? report.score : report.passed === true ? 1 : 0;
  const atMs = scope.deps.now();
  const observations: QualityObservation[] = [];
  for (const documentId of gate.inputs) {
    const version = scope.index.documents.get(documentId);
    if (!version?.model) continue;
    const producer = scope.workflow.steps.find((s) => s.id === version.stepId);
    const routing = producer && "routing" in producer ? producer.routing : undefined;
    observations.push({
      id: `gate/${scope.runId}/${gate.id}/r${round}/a${attempt}/${documentId}/v${version.version}`,
      taskType: routing?.task ?? "general",
      model: version.model,
      score: Math.min(1, Math.max(0, score)),
      source: "gate",
      runId: scope.runId,
      stepId: version.stepId,
      atMs,
    });
  }
  return observations;
}

/**
 * Records them; a failure is reported to `onInternalError` (learning is best effort) and never
 * fails the gate, whose verdict is already journaled.
 */
export async function recordGateObservations(
  scope: RunScope,
  observations: QualityObservation[],
): Promise<void> {
  if (observations.length === 0) return;
  try {
    await scope.deps.store.recordQualityObservations(observations);
  } catch (error) {
    scope.deps.onInternalError?.(scope.runId, error);
  }
}
