/**
 * Run events (v1): a run is an append-only journal of these, never a snapshot. The engine replays them to
 * decide what to do next, so they are immutable plain objects tagged by `type`, named by one grammar
 * (`<subject>-<verb>`: `run-start`, `step-end`, `model-call-end`, `human-input-request`).
 *
 * The store is agnostic: it keeps `type`, the JSON of the whole event and a timestamp, and looks at only
 * three optional fields — `callKey` (exactly-once lookup), `blobs` (keeps content alive for GC) and the
 * `document-version` fields (the per-run document index). Extend the union freely; keep events small
 * and put large content (documents, long outputs) in blobs referenced by hash.
 */

/** Any JSON value: what events, inputs and outputs may contain. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Fields every event may carry. */
export interface EventBase {
  /** sha256 hashes of blobs this event references; the store keeps them until the run is deleted. */
  readonly blobs?: readonly string[];
}

/** An error as journaled: plain data, never a stack or a secret. */
export interface EventError {
  readonly name: string;
  readonly message: string;
  readonly isRetryable?: boolean;
  /** A failed model call: the class of its last attempt (`refusal`, `rate-limit`, `server`, ...). */
  readonly errorClass?: string;
}

/** Token usage as reported by the provider. */
export interface EventUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cachedInputTokens?: number;
  readonly reasoningTokens?: number;
}

export interface RunStartEvent extends EventBase {
  readonly type: "run-start";
  readonly workflowName: string;
  readonly workflowHash: string;
  /**
   * A fork (`quorum fork`): the run it was forked from, and how many events right after this one were
   * copied from it (the reused steps' events, calls included, which that run paid for).
   */
  readonly forkedFrom?: { readonly runId: string; readonly reusedEvents: number };
}

export interface StepStartEvent extends EventBase {
  readonly type: "step-start";
  readonly stepId: string;
  /** 1-based attempt number. */
  readonly attempt: number;
}

export interface StepEndEvent extends EventBase {
  readonly type: "step-end";
  readonly stepId: string;
  readonly attempt: number;
  /** Small structured output of the step (large output goes in a document or blob). */
  readonly output?: JsonValue;
}

export interface StepErrorEvent extends EventBase {
  readonly type: "step-error";
  readonly stepId: string;
  readonly attempt: number;
  readonly error: EventError;
  /** Whether the engine will try the step again. */
  readonly willRetry: boolean;
  /** When the retry may start (epoch ms), chosen by the runtime with backoff and jitter. */
  readonly retryAtMs?: number;
  /** A gate that failed for good: its verdict, as data. */
  readonly verdict?: GateVerdict;
}

/**
 * A call to a model or tool is about to be made. `callKey` is a hash of the request: on resume, a call
 * whose `-end` event is recorded under the same key is never repeated; one with only a `-start` was in
 * flight at the crash and may run again.
 */
export interface ModelCallStartEvent extends EventBase {
  readonly type: "model-call-start";
  readonly stepId: string;
  readonly attempt: number;
  readonly callKey: string;
  readonly model: string;
}

/**
 * Calls a fan-out (`map` items, `ensemble` members) is about to make, declared before any of them
 * leaves: this is their `model-call-start` (they get no other), so once it is durable each listed call
 * may go out without a commit of its own, and a fan-out's lanes never wait for one per item. A declared
 * call without an `-end` was in flight at a crash, like a lone `-start`, and may run again; one never
 * started costs nothing.
 */
export interface ModelCallBatchStartEvent extends EventBase {
  readonly type: "model-call-batch-start";
  readonly stepId: string;
  readonly attempt: number;
  readonly callKeys: readonly string[];
}

export interface ModelCallEndEvent extends EventBase {
  readonly type: "model-call-end";
  readonly stepId: string;
  readonly attempt: number;
  readonly callKey: string;
  readonly model: string;
  readonly outcome: "ok" | "error";
  /** The recorded result (inline when small; otherwise `resultBlob`). */
  readonly result?: JsonValue;
  readonly resultBlob?: string;
  /**
   * A large answer's text, in a blob of its own (the result then has no `text`): a document made of
   * exactly that text is the same content-addressed blob, so it is stored once.
   */
  readonly resultTextBlob?: string;
  readonly error?: EventError;
  readonly usage?: EventUsage;
  readonly costUsd?: number;
  readonly durationMs: number;
  /** Answered from the response cache: no provider call was made, and the spend ledger has no row. */
  readonly cacheHit?: true;
}

export interface ToolCallStartEvent extends EventBase {
  readonly type: "tool-call-start";
  readonly stepId: string;
  readonly attempt: number;
  readonly callKey: string;
  readonly tool: string;
}

export interface ToolCallEndEvent extends EventBase {
  readonly type: "tool-call-end";
  readonly stepId: string;
  readonly attempt: number;
  readonly callKey: string;
  readonly tool: string;
  readonly outcome: "ok" | "error";
  readonly result?: JsonValue;
  readonly resultBlob?: string;
  readonly error?: EventError;
  readonly durationMs: number;
}

/** The run needs a person: a clarification answer or an approval. Paired by `requestId`. */
export interface HumanInputRequestEvent extends EventBase {
  readonly type: "human-input-request";
  readonly requestId: string;
  readonly stepId: string;
  readonly kind: "clarification" | "approval";
  readonly prompt: string;
  /** JSON Schema the response must satisfy, if any. */
  readonly schema?: JsonValue;
  /**
   * Unanswered at this time, the request is answered with `onExpiry` by `timeout` (an approval's
   * `timeout:` + `onTimeout:`). The run wakes then: it is a durable timer like a deadline.
   */
  readonly expiresAtMs?: number;
  readonly onExpiry?: JsonValue;
}

export interface HumanInputResponseEvent extends EventBase {
  readonly type: "human-input-response";
  readonly requestId: string;
  readonly response: JsonValue;
  readonly respondedBy?: string;
}

/** A document version identifies the input versions it was made from. */
export interface DocumentRef {
  readonly documentId: string;
  readonly version: number;
}

/** A new, validated version of a document; its content is the blob `blobHash`. */
export interface DocumentVersionEvent extends EventBase {
  readonly type: "document-version";
  readonly documentId: string;
  /** 1-based, per run and document. */
  readonly version: number;
  readonly blobHash: string;
  readonly sizeBytes: number;
  readonly stepId: string;
  readonly attempt: number;
  readonly model?: string;
  readonly inputVersions: readonly DocumentRef[];
  /**
   * The document's text, when it is small (at most 16 KiB of UTF-8, most documents): it travels in this
   * event, so a step's commit is one append to the journal instead of also a blob row, a document index
   * row and a blob ref (docs/performance.md). `blobHash` is still its sha256. Absent for larger documents,
   * whose bytes are the blob `blobHash`, and in journals written before schema v7.
   */
  readonly content?: string;
}

export interface RunEndEvent extends EventBase {
  readonly type: "run-end";
  readonly status: "succeeded" | "failed" | "cancelled";
  readonly error?: EventError;
}

/** A step will not run: its `when:` is false, or an input it needs was never produced. */
export interface StepSkipEvent extends EventBase {
  readonly type: "step-skip";
  readonly stepId: string;
  readonly reason: string;
}

/**
 * A gate failed or an approval was rejected: `targets` and everything downstream of them run again
 * in a new round, the targets with `feedback` in their prompt.
 */
export interface RemediationEvent extends EventBase {
  readonly type: "remediation";
  /** The gate or approval step that asked for it. */
  readonly stepId: string;
  /** The requester's round when it asked. */
  readonly round: number;
  readonly targets: readonly string[];
  readonly feedback: readonly string[];
  /** The gate's verdict, as data (journals before it was added carry it only in `feedback`). */
  readonly verdict?: GateVerdict;
}

/** Every event a run journal can hold. Switches over `type` are exhaustive. */
export type RunEvent =
  | RunStartEvent
  | StepStartEvent
  | StepEndEvent
  | StepErrorEvent
  | ModelCallStartEvent
  | ModelCallEndEvent
  | ToolCallStartEvent
  | ToolCallEndEvent
  | HumanInputRequestEvent
  | HumanInputResponseEvent
  | DocumentVersionEvent
  | ModelCallBatchStartEvent
  | StepSkipEvent
  | RemediationEvent
  | RunEndEvent
  | RouteDecisionEvent
  | ArbiterDecisionEvent
  | BudgetDowngradeEvent
  | ChildRunWaitEvent
  | ChildRunResumeEvent
  | SecurityEvent;

export type RunEventType = RunEvent["type"];

/** One model the router ranked: its score under the policy and why (plain sentences). */
export interface RouteCandidateRecord {
  readonly ref: string;
  readonly score: number;
  readonly reasons: readonly string[];
}

/** A model the router left out, and why. */
export interface RouteRejectionRecord {
  readonly ref: string;
  readonly reason: string;
}

/**
 * Which models a step will ask, and why: recorded once before the step's first model call, and read
 * back from the journal on resume and replay so the choice never changes under a run. `source` is
 * `explicit` when the step (or its role) named its models, `routed` when the router ranked the catalog,
 * `unrouted` when no router was configured (the model layer picks) and `unroutable` when nothing
 * qualified (`error` says why; the step fails closed).
 */
export interface RouteDecisionEvent extends EventBase {
  readonly type: "route-decision";
  /** `<step>.r<round>.a<attempt>.<n>`: the n-th decision of that step execution. */
  readonly decisionId: string;
  readonly stepId: string;
  readonly attempt: number;
  readonly round: number;
  /** What the models are for (`document`, `judge`, `map-item`...). */
  readonly purpose: string;
  readonly source: "explicit" | "routed" | "unrouted" | "unroutable";
  readonly policy?: string;
  readonly taskType?: string;
  readonly complexity?: string;
  /** The models to try, in order (empty: the model layer picks). */
  readonly models: readonly string[];
  readonly candidates: readonly RouteCandidateRecord[];
  readonly rejected: readonly RouteRejectionRecord[];
  readonly error?: string;
}

/**
 * An `arbiter` step chose its next route. `steps` (the route's steps) run next, then the arbiter
 * decides again; a route without steps ends the arbiter. `choice` is what the model answered when
 * it was not a valid route (`valid: false`): the arbiter then took its `default`.
 */
export interface ArbiterDecisionEvent extends EventBase {
  readonly type: "arbiter-decision";
  readonly stepId: string;
  readonly attempt: number;
  /** 1-based decision number of this arbiter in the run (bounded by `maxDecisions`). */
  readonly decision: number;
  readonly route: string;
  readonly steps: readonly string[];
  readonly valid: boolean;
  readonly choice?: string;
  readonly reason?: string;
  readonly model?: string;
}

/**
 * A budget's `downgrade` policy sent a model call to cheaper models than the step chose, recorded just
 * before that call's `model-call-end` (same `callKey`) so the journal says which budget moved the step
 * to which models and why. `source` `catalog`: none of the step's own models was cheap enough, so the
 * cheapest capable models of the whole catalog were used.
 */
export interface BudgetDowngradeEvent extends EventBase {
  readonly type: "budget-downgrade";
  readonly stepId: string;
  readonly attempt: number;
  readonly callKey: string;
  readonly scope: "run" | "step" | "day";
  readonly fromModels: readonly string[];
  readonly toModels: readonly string[];
  readonly source: "step" | "catalog";
  readonly reason: string;
}

/**
 * A `workflow` step's child run is waiting for a person, so the step waits too: the parent run can go
 * `waiting` (exit code 3) and its process may exit. The person answers the child's own request; the
 * wait is lifted by a `child-run-resume`, never by a human answer to the parent.
 */
export interface ChildRunWaitEvent extends EventBase {
  readonly type: "child-run-wait";
  readonly stepId: string;
  readonly attempt: number;
  readonly childRunId: string;
}

/**
 * The child a step waited on is no longer waiting (answered, timed out, ended or cancelled): the step
 * runs again with the same attempt and finds the same child. Recording it twice is harmless.
 */
export interface ChildRunResumeEvent extends EventBase {
  readonly type: "child-run-resume";
  readonly stepId: string;
  readonly childRunId: string;
  /** The child's status when the parent was woken. */
  readonly childStatus: string;
}

/** What the system blocked: the vocabulary of `security-event`. */
export type SecurityEventKind =
  /** Sensitive content had no local model to go to, so nothing was sent and the step failed. */
  | "privacy-fail-closed"
  /** A provider's message quoted an API key; it was replaced by `[redacted]` before journaling. */
  | "secret-redacted"
  /** Content looked like a prompt injection and was not acted on. */
  | "injection-suspected"
  /** A model asked for a tool its step was not given; the call was refused. */
  | "tool-denied";

/**
 * The system blocked something, journaled where it happened, so "security events per hour" counts
 * facts rather than guesses from error text. `detail` says what was blocked in words a person can act
 * on; it never holds the blocked content, a document, or a secret. `eventId` is derived from the step
 * execution (`<step>.r<round>.a<attempt>.<site>`), so a step that runs again after a crash and hits
 * the same block does not journal it twice. The engine does not act on it.
 */
export interface SecurityEvent extends EventBase {
  readonly type: "security-event";
  readonly eventId: string;
  readonly kind: SecurityEventKind;
  readonly stepId: string;
  readonly attempt: number;
  readonly detail: string;
}

/**
 * A gate's verdict as data, on the events that carry a failed verdict (`remediation`, a gate's final
 * `step-error`); a passed verdict is the gate's `step-end` output, which has the same fields. Scores
 * are 0..1: `score` is the mean of the judges' scores, `scores` per rubric dimension.
 */
export interface GateVerdict {
  readonly round: number;
  readonly passed: boolean;
  readonly score?: number;
  readonly threshold?: number;
  readonly scores: Readonly<Record<string, number>>;
  /** How many findings the gate reported (their text is in the feedback or the error). */
  readonly findings: number;
}
