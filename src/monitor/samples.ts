/**
 * Journal entries -> samples, pure and incremental: `extractSamples` takes the entries read since the
 * last call and a small carry (attempts started but not ended yet), so a monitor reads each event once.
 */
import type { EventError, JournalEntry, RunEvent } from "../spec/index.js";
import { gateVerdictOf } from "./gate-verdicts.js";
import type { RunInfo, Sample, StepInfo } from "./types.js";

/**
 * What the extractor carries between reads: `step-start` times of attempts not ended yet, by
 * `stepId#attempt`, and `!security#stepId#attempt` for attempts whose block was journaled as a
 * `security-event` (so their `step-error` is not counted a second time by the old-journal heuristic).
 */
export type OpenAttempts = Readonly<Record<string, number>>;

export interface Extracted {
  readonly samples: readonly Sample[];
  readonly open: OpenAttempts;
}

const unknownStep: StepInfo = { kind: "unknown", stepClass: "simple" };

/**
 * For journals written before `security-event` existed: a step failure whose error names a guard
 * concern (prompt injection, a secret leak, harmful content, sensitive content refused by every hosted
 * provider). A gate's verdict is a quality judgement, never a block, so `GateFailed` never matches.
 * Returns the matched reason, or undefined.
 */
export function securityReason(error: EventError): string | undefined {
  if (error.name === "GateFailed") return undefined;
  const match = /injection|secret[ _-]?leak|harmful|guard|sensitive|privacy/i.exec(
    `${error.name} ${error.message}`,
  );
  return match ? match[0].toLowerCase() : undefined;
}

const securityKey = (stepId: string, attempt: number) => `!security#${stepId}#${attempt}`;

export function extractSamples(
  run: RunInfo,
  entries: readonly JournalEntry[],
  open: OpenAttempts = {},
): Extracted {
  const samples: Sample[] = [];
  const starts: Record<string, number> = { ...open };
  const base = (atMs: number) => ({ atMs, runId: run.runId, workflow: run.workflow });
  const info = (stepId: string) => run.steps[stepId] ?? unknownStep;
  const ended = (stepId: string, attempt: number, atMs: number, ok: boolean) => {
    const key = `${stepId}#${attempt}`;
    const startedAtMs = starts[key];
    delete starts[key];
    const { kind, stepClass } = info(stepId);
    samples.push({
      type: "step",
      ...base(atMs),
      stepId,
      kind,
      stepClass,
      ok,
      ...(startedAtMs !== undefined ? { durationMs: atMs - startedAtMs } : {}),
    });
  };
  const quality = (event: RunEvent, atMs: number) => {
    const verdict = gateVerdictOf(event, "stepId" in event && info(event.stepId).kind === "gate");
    if (verdict?.score !== undefined)
      samples.push({
        type: "quality",
        ...base(atMs),
        stepId: verdict.stepId,
        score: verdict.score,
        passed: verdict.passed,
      });
  };
  for (const { atMs, event } of entries) {
    switch (event.type) {
      case "step-start":
        starts[`${event.stepId}#${event.attempt}`] = atMs;
        break;
      case "step-end":
        ended(event.stepId, event.attempt, atMs, true);
        delete starts[securityKey(event.stepId, event.attempt)];
        quality(event, atMs);
        break;
      case "step-error": {
        ended(event.stepId, event.attempt, atMs, false);
        quality(event, atMs);
        const journaled = securityKey(event.stepId, event.attempt) in starts;
        delete starts[securityKey(event.stepId, event.attempt)];
        const reason = journaled ? undefined : securityReason(event.error);
        if (reason) samples.push({ type: "security", ...base(atMs), stepId: event.stepId, reason });
        break;
      }
      case "remediation": {
        // A gate asking for another round is a verdict too; its own step-end never comes for this round.
        const key = Object.keys(starts).find((k) => k.startsWith(`${event.stepId}#`));
        if (key) delete starts[key];
        quality(event, atMs);
        break;
      }
      case "security-event":
        starts[securityKey(event.stepId, event.attempt)] = atMs;
        samples.push({ type: "security", ...base(atMs), stepId: event.stepId, reason: event.kind });
        break;
      case "model-call-end":
        samples.push({
          type: "call",
          ...base(atMs),
          stepId: event.stepId,
          stepClass: info(event.stepId).stepClass,
          model: event.model,
          ok: event.outcome === "ok",
          durationMs: event.durationMs,
          costUsd: event.costUsd ?? 0,
          inputTokens: event.usage?.inputTokens ?? 0,
          outputTokens: event.usage?.outputTokens ?? 0,
        });
        break;
      case "run-end":
        samples.push({ type: "run", ...base(atMs), status: event.status });
        break;
      case "run-start":
      case "model-call-start":
      case "model-call-batch-start":
      case "tool-call-start":
      case "tool-call-end":
      case "human-input-request":
      case "human-input-response":
      case "document-version":
      case "step-skip":
      case "route-decision":
      case "arbiter-decision":
        break;
      default:
        // Events added by other layers later are ignored until the monitor learns them.
        break;
    }
  }
  return { samples, open: starts };
}
