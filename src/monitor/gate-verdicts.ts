/**
 * A gate's verdict from whichever journaled event carries it: the structured `verdict` on a
 * `remediation` or a gate's final `step-error`, the gate's `step-end` output for a pass (same
 * fields), and, for journals written before verdicts were data, the score in the gate's own text
 * ("Gate 'g' failed in round 2; score 0.5 (threshold 0.8); findings: ..."). Used by the monitor's
 * quality samples and by `quorum status`.
 */
import type { EventError, JsonValue, RunEvent } from "../spec/index.js";

export interface GateVerdictView {
  readonly stepId: string;
  readonly passed: boolean;
  readonly round?: number;
  readonly score?: number;
  readonly threshold?: number;
  readonly scores?: Readonly<Record<string, number>>;
}

const gateTextPattern =
  /^Gate '[^']+' failed in round (\d+)(?:; score (\d+(?:\.\d+)?)(?: \(threshold (\d+(?:\.\d+)?)\))?)?/;

/** The judge score of a failed gate verdict, from the feedback or error text the gate step writes. */
export function failedGateScore(text: string): number | undefined {
  const match = gateTextPattern.exec(text);
  return match?.[2] === undefined ? undefined : Number(match[2]);
}

/** A verdict parsed from an old journal's gate text, or undefined when the text is not a gate's. */
function fromText(stepId: string, text: string): GateVerdictView | undefined {
  const match = gateTextPattern.exec(text);
  if (!match) return undefined;
  return {
    stepId,
    passed: false,
    round: Number(match[1]),
    ...(match[2] === undefined ? {} : { score: Number(match[2]) }),
    ...(match[3] === undefined ? {} : { threshold: Number(match[3]) }),
  };
}

function fromOutput(stepId: string, output: JsonValue | undefined): GateVerdictView | undefined {
  if (typeof output !== "object" || output === null || Array.isArray(output)) return undefined;
  const { passed, score, threshold, round, scores } = output;
  return {
    stepId,
    // A gate accepted by a person after it failed ends with `passed: false` in its output.
    passed: passed !== false,
    ...(typeof round === "number" ? { round } : {}),
    ...(typeof score === "number" ? { score } : {}),
    ...(typeof threshold === "number" ? { threshold } : {}),
    ...(isScores(scores) ? { scores } : {}),
  };
}

function isScores(value: JsonValue | undefined): value is Record<string, number> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "number")
  );
}

function fromError(stepId: string, error: EventError): GateVerdictView | undefined {
  return error.name === "GateFailed" || error.message.startsWith("Gate '")
    ? fromText(stepId, error.message)
    : undefined;
}

/**
 * The gate verdict an event carries, if any. `isGate` says whether the event's step is a gate (a
 * `step-end` output is a verdict only for gates).
 */
export function gateVerdictOf(event: RunEvent, isGate: boolean): GateVerdictView | undefined {
  switch (event.type) {
    case "step-end":
      return isGate ? fromOutput(event.stepId, event.output) : undefined;
    case "remediation":
      if (event.verdict) return { stepId: event.stepId, ...event.verdict };
      return event.feedback[0] === undefined ? undefined : fromText(event.stepId, event.feedback[0]);
    case "step-error":
      if (event.verdict) return { stepId: event.stepId, ...event.verdict };
      return fromError(event.stepId, event.error);
    default:
      return undefined;
  }
}
