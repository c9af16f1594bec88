/**
 * What a step executor gets and returns. Executors are effectful but see the world only through
 * this context: every model call and human request goes through it, so the runtime can journal
 * each one and answer it from the journal after a crash instead of calling again.
 */
import type {
  ArbiterDecisionEvent,
  GateVerdict,
  JsonValue,
  ModelRequest,
  ModelResponse,
  Routing,
  SecurityEventKind,
  Step,
  StepKind,
  ToolDefinition,
  ToolResult,
  Workflow,
} from "../spec/index.js";

/**
 * The run as an arbiter sees it when it decides: where every step stands and what was decided
 * before. A snapshot of journal-derived state, so a re-executed decision sees the same thing.
 */
export interface RunSnapshot {
  /** `static`: arbiters do not decide, every route's steps run once in plan order. */
  routing: "arbiter" | "static";
  steps: ReadonlyArray<{
    id: string;
    kind: StepKind;
    status: "pending" | "running" | "waiting" | "succeeded" | "failed" | "skipped";
    round: number;
    error?: string;
  }>;
  decisions: readonly ArbiterDecisionEvent[];
}

export interface LoadedDocument {
  documentId: string;
  version: number;
  /** The document as text (JSON documents are JSON text). */
  content: string;
  /** The model that wrote this version (lineage), when a model did. */
  model?: string;
}

export type HumanInputResult =
  | { status: "answered"; response: JsonValue; respondedBy?: string }
  | { status: "waiting" };

/** What a step tells the router about one kind of call it is about to make. */
export interface ModelChoice {
  /** Models the step (or its role, or a judge check) named; empty lets the router rank the catalog. */
  readonly explicit: readonly string[];
  /** What the models are for (`document`, `judge`, `map-item`...). */
  readonly purpose: string;
  readonly needsJson: boolean;
  readonly sensitive: boolean;
  /** Routing hints instead of the step's own. */
  readonly hints?: Routing;
  /**
   * Models to try only after every other candidate: a judge avoids the models that wrote what it
   * judges. Explicitly named models keep their order (the author chose them).
   */
  readonly avoid?: readonly string[];
}

export interface StepContext {
  runId: string;
  workflow: Workflow;
  step: Step;
  attempt: number;
  round: number;
  /** Run inputs after defaults. */
  inputs: Record<string, JsonValue>;
  /** Gate findings or rejection comments for this round (empty on the first). */
  feedback: readonly string[];
  signal: AbortSignal;
  /** The run is a dry run: documents are placeholders from the schema-driven stub. */
  dryRun: boolean;
  readDocument(documentId: string): Promise<LoadedDocument | undefined>;
  /**
   * What templates and expressions see: `inputs`, `documents` (latest versions, JSON parsed),
   * `role`, `step`, `workflow`, `run`, `output`, plus `extra` (feedback, answers, item...).
   */
  variables(extra?: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * Which models to ask, in order: decided by the router once per step execution and call site,
   * journaled as a `route-decision`, and read back from the journal on resume. Throws `RoutingError`
   * (not retryable) when nothing qualifies, e.g. sensitive content with no local model.
   */
  chooseModels(choice: ModelChoice): Promise<readonly string[]>;
  /** A journaled model call: answered from the journal when this exact call was already recorded. */
  callModel(request: ModelRequest): Promise<ModelResponse>;
  /**
   * Announces the `count` calls a fan-out is about to make, in the exact order `callModel` will be
   * given them (`requestAt(i)` must return the very object passed to `callModel` later; it is asked
   * only for the calls being declared): they are declared in the journal a window ahead
   * (`model-call-batch-start`), so each one leaves without waiting for its own start to commit.
   * `window` (≥ 1) is how many calls ahead are declared; twice the fan-out's concurrency keeps lanes
   * from ever waiting. A call that is not the announced one at its position is journaled as usual.
   * Returns `end`, to call once the fan-out has made (or given up) its announced calls: nothing more is
   * declared after it (a window scheduled for later in the turn would otherwise land after the step).
   */
  announceCalls(count: number, requestAt: (index: number) => ModelRequest, window: number): () => void;
  /**
   * Approximate tokens of a text, counted as the model layer counts prompts (o200k_base), so a step
   * can size what it puts in a prompt (document summaries) in the units context windows are checked in.
   */
  countTokens(text: string): Promise<number>;
  /**
   * Journals a `security-event`: the step blocked something (a tool the model was not given, a
   * suspected injection). Once per step execution and call order; `detail` must not quote content.
   */
  reportSecurityEvent(kind: SecurityEventKind, detail: string): void;
  /**
   * A journaled request to a person: answered, or the run waits. Idempotent per call site. `key`
   * names the request within the attempt when several may be open at once (map items), so its
   * id does not depend on the order concurrent work reached it.
   */
  humanInput(
    kind: "clarification" | "approval",
    prompt: string,
    key?: string,
    /** Answer it with `response` if nobody has after `afterMs` (journaled, so replays agree). */
    expiry?: { afterMs: number; response: JsonValue },
  ): Promise<HumanInputResult>;
  /** Where the run stands (steps, earlier arbiter decisions); what an arbiter decides from. */
  runSnapshot(): RunSnapshot;
  /**
   * Run this step's pinned sub-workflow as a child run with `inputs` and wait until it ends. One
   * child per step attempt: called again for the same attempt (after a crash), it resumes it.
   */
  runChild(inputs: Record<string, JsonValue>): Promise<ChildRunResult>;
  /**
   * The tools a server offers (filtered by its `mcp.tools` list). Not journaled: a description, not
   * an effect; it starts the server on first use. Throws when the server is not declared.
   */
  listTools(server: string): Promise<readonly ToolDefinition[]>;
  /**
   * A journaled tool call: answered from the journal when this exact call (same position in the
   * attempt, same server, tool and arguments) was recorded; one in flight at a crash may run again.
   * Start several at once synchronously, in a fixed order, so their journal keys stay the same.
   */
  callTool(server: string, tool: string, args: Record<string, JsonValue>): Promise<ToolResult>;
}

/** How a child run ended; `documents` are its latest document versions, by document id. */
export type ChildRunResult =
  | { type: "succeeded"; runId: string; documents: Record<string, string> }
  /** `rejected`: a person rejected an approval inside the child; retrying would only ask them again. */
  | { type: "failed" | "cancelled"; runId: string; reason?: string; rejected?: boolean }
  | { type: "waiting"; runId: string }
  /** The child could not be created: its inputs do not fit the sub-workflow. */
  | { type: "invalid"; runId: string; problems: string[] };

export type StepOutcome =
  /** Contents of the documents the step produces, by document id; `model` that made them. */
  | { type: "done"; documents: Record<string, string>; output?: JsonValue; model?: string }
  | { type: "waiting" }
  /** Send `targets` (upstream steps) to a new round with `feedback`. */
  | { type: "remediate"; targets: string[]; feedback: string[]; output?: JsonValue; verdict?: GateVerdict }
  /** `verdict`: a gate that failed for good, journaled as data on its `step-error`. */
  | { type: "failed"; error: { name: string; message: string }; retryable: boolean; verdict?: GateVerdict }
  /**
   * An arbiter chose `route` (its `steps` run next, then the arbiter decides again; none: it is
   * done). `valid: false` means the model's `choice` was unusable and `route` is the default.
   */
  | {
      type: "decided";
      route: string;
      steps: string[];
      valid: boolean;
      choice?: string;
      reason?: string;
      documents: Record<string, string>;
      model?: string;
    };

export interface StepExecutor {
  execute(context: StepContext): Promise<StepOutcome>;
}
