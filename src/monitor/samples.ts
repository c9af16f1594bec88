/**
 * Journal entries -> samples, pure and incremental: `extractSamples` takes the entries read since the
 * last call and a small carry (attempts started but not ended yet), so a monitor reads each event once.
 */
import type { EventError, JournalEntry, JsonValue } from "../spec/index.js";
import type { RunInfo, Sample, StepInfo } from "./types.js";

/** `step-start` times of attempts not ended yet, by `stepId#attempt`. */
export type OpenAttempts = Readonly<Record<string, number>>;

export interface Extracted {
  readonly samples: readonly Sample[];
  readonly open: OpenAttempts;
}

const unknownStep: StepInfo = { kind: "unknown", stepClass: "simple" };

/**
 * No guard layer journals its own events yet, so security samples are step failures whose error names a
 * guard concern: prompt injection, a secret leak, harmful content, or sensitive content refused by every
 * hosted provider (privacy fails closed). Returns the matched reason, or undefined.
 */
export function securityReason(error: EventError): string | undefined {
  const match = /injection|secret[ _-]?leak|harmful|guard|sensitive|privacy/i.exec(
    `${error.name} ${error.message}`,
  );
  return match ? match[0].toLowerCase() : undefined;
}

const gateScorePattern = /^Gate '[^']+' failed in round \d+; score (\d+(?:\.\d+)?)/;

/** The judge score of a failed gate verdict, from the feedback or error text the gate step writes. */
export function failedGateScore(text: string): number | undefined {
  const match = gateScorePattern.exec(text);
  return match ? Number(match[1]) : undefined;
}

function passedGateScore(output: JsonValue | undefined): number | undefined {
  if (typeof output !== "object" || output === null || Array.isArray(output)) return undefined;
  return typeof output.score === "number" ? output.score : undefined;
}

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
  for (const { atMs, event } of entries) {
    switch (event.type) {
      case "step-start":
        starts[`${event.stepId}#${event.attempt}`] = atMs;
        break;
      case "step-end": {
        ended(event.stepId, event.attempt, atMs, true);
        const score = info(event.stepId).kind === "gate" ? passedGateScore(event.output) : undefined;
        if (score !== undefined)
          samples.push({ type: "quality", ...base(atMs), stepId: event.stepId, score, passed: true });
        break;
      }
      case "step-error": {
        ended(event.stepId, event.attempt, atMs, false);
        const score = failedGateScore(event.error.message);
        if (score !== undefined)
          samples.push({ type: "quality", ...base(atMs), stepId: event.stepId, score, passed: false });
        const reason = securityReason(event.error);
        if (reason) samples.push({ type: "security", ...base(atMs), stepId: event.stepId, reason });
        break;
      }
      case "remediation": {
        // A gate asking for another round is a verdict too; its own step-end never comes for this round.
        const key = Object.keys(starts).find((k) => k.startsWith(`${event.stepId}#`));
        if (key) delete starts[key];
        const score = failedGateScore(event.feedback[0] ?? "");
        if (score !== undefined)
          samples.push({ type: "quality", ...base(atMs), stepId: event.stepId, score, passed: false });
        break;
      }
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
      case "tool-call-start":
      case "tool-call-end":
      case "human-input-request":
      case "human-input-response":
      case "document-version":
      case "step-skip":
        break;
      default:
        // Events added by other layers later are ignored until the monitor learns them.
        break;
    }
  }
  return { samples, open: starts };
}
