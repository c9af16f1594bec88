/**
 * What a step executor gets and returns. Executors are effectful but see the world only through
 * this context: every model call and human request goes through it, so the runtime can journal
 * each one and answer it from the journal after a crash instead of calling again.
 */
import type {
  JsonValue,
  ModelRequest,
  ModelResponse,
  Step,
  ToolDefinition,
  ToolResult,
  Workflow,
} from "../spec/index.js";

export interface LoadedDocument {
  documentId: string;
  version: number;
  /** The document as text (JSON documents are JSON text). */
  content: string;
}

export type HumanInputResult =
  | { status: "answered"; response: JsonValue; respondedBy?: string }
  | { status: "waiting" };

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
  /** A journaled model call: answered from the journal when this exact call was already recorded. */
  callModel(request: ModelRequest): Promise<ModelResponse>;
  /** A journaled request to a person: answered, or the run waits. Idempotent per call site. */
  humanInput(kind: "clarification" | "approval", prompt: string): Promise<HumanInputResult>;
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

export type StepOutcome =
  /** Contents of the documents the step produces, by document id; `model` that made them. */
  | { type: "done"; documents: Record<string, string>; output?: JsonValue; model?: string }
  | { type: "waiting" }
  /** Send `targets` (upstream steps) to a new round with `feedback`. */
  | { type: "remediate"; targets: string[]; feedback: string[]; output?: JsonValue }
  | { type: "failed"; error: { name: string; message: string }; retryable: boolean };

export interface StepExecutor {
  execute(context: StepContext): Promise<StepOutcome>;
}
