/**
 * Monitoring data: journals flattened into small samples, one per thing worth counting. Metrics are pure
 * functions of samples in a time window, so a long-running monitor keeps only the samples of its widest
 * window and a report over 24 h reads each journal once.
 */

/** Simple steps should answer in < 3 s, complex ones in < 10 s (the success metrics). */
export type StepClass = "simple" | "complex";

/** What the monitor needs to know about a step of a run's pinned workflow. */
export interface StepInfo {
  readonly kind: string;
  readonly stepClass: StepClass;
}

/** A run as the sample extractor sees it: its workflow and what each of its steps is. */
export interface RunInfo {
  readonly runId: string;
  readonly workflow: string;
  readonly steps: Readonly<Record<string, StepInfo>>;
}

interface SampleBase {
  readonly atMs: number;
  readonly runId: string;
  readonly workflow: string;
}

/** One model call that ended (ok or error), from `model-call-end`. */
export interface CallSample extends SampleBase {
  readonly type: "call";
  readonly stepId: string;
  readonly stepClass: StepClass;
  readonly model: string;
  readonly ok: boolean;
  readonly durationMs: number;
  readonly costUsd: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

/** One step attempt that ended: `step-end` (ok) or `step-error`; its duration runs from its `step-start`. */
export interface StepSample extends SampleBase {
  readonly type: "step";
  readonly stepId: string;
  readonly kind: string;
  readonly stepClass: StepClass;
  readonly ok: boolean;
  /** Absent when the journal holds no `step-start` for the attempt. */
  readonly durationMs?: number;
}

/** A gate verdict with a judge score (0..1). */
export interface QualitySample extends SampleBase {
  readonly type: "quality";
  readonly stepId: string;
  readonly score: number;
  readonly passed: boolean;
}

/**
 * A block the system journaled (`security-event`; `reason` is its kind), or, in a journal written
 * before those existed, a guard-related step failure (`reason` is the matched word; see `securityReason`).
 */
export interface SecuritySample extends SampleBase {
  readonly type: "security";
  readonly stepId: string;
  readonly reason: string;
}

/** A run that reached a terminal state. */
export interface RunSample extends SampleBase {
  readonly type: "run";
  readonly status: "succeeded" | "failed" | "cancelled";
}

export type Sample = CallSample | StepSample | QualitySample | SecuritySample | RunSample;

/** Half-open time window `[fromMs, toMs)`. */
export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}
