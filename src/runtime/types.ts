import type { EngineState, RoutingMode } from "../engine/index.js";
import type {
  HumanInputResponseEvent,
  JournalEntry,
  ModelClient,
  RouteDecisionEvent,
  RunEvent,
  StepKind,
  StepRouter,
  Store,
  ToolHost,
  ToolServerSpec,
  Workflow,
} from "../spec/index.js";
import type { StepExecutor } from "../steps/types.js";
import type { PinnedChild, WorkflowLoader } from "./children.js";
import type { JournalWriter } from "./journal-writer.js";
import type { RunIndex } from "./run-index.js";
import type { StepSlots } from "./slots.js";

/** `interrupted`: this process stopped driving the run (signal), the run itself goes on later. */
export type DriveOutcome = "succeeded" | "failed" | "waiting" | "cancelled" | "interrupted";

export interface RuntimeDeps {
  store: Store;
  models: ModelClient;
  /** The schema-driven stub that dry runs use, always, whoever resumes them. */
  dryRunModels?: ModelClient;
  executors: Partial<Record<StepKind, StepExecutor>>;
  /** Epoch ms; injectable for tests. */
  now: () => number;
  /** Delay before retry `attempt` (1-based) of a step; default exponential with full jitter. */
  retryDelayMs?: (attempt: number) => number;
  /** Called with every durable event (progress output, metrics). */
  onEvent?: (runId: string, event: RunEvent) => void;
  /**
   * Called once as a drive begins, before anything runs: the journal as the drive found it, and the
   * steps in flight when the run last stopped (a crash, Ctrl-C, a store failure), which it now goes on
   * with. A progress display starts from there instead of reading and interpreting the journal again.
   */
  onDriveStart?: (
    runId: string,
    journal: readonly JournalEntry[],
    resumed: ReadonlyArray<{ readonly stepId: string; readonly attempt: number }>,
  ) => void;
  onInternalError?: (runId: string, error: unknown) => void;
  cancelPollMs?: number;
  /** Replay: the recorded answer to a human-input request, given at once instead of waiting. */
  recordedResponse?: (requestId: string, runId: string) => HumanInputResponseEvent | undefined;
  /** Replay: the recorded routing decision, reused instead of routing again. */
  recordedDecision?: (decisionId: string, runId: string) => RouteDecisionEvent | undefined;
  /** Steps of one run executing at once (default 16). */
  maxConcurrentSteps?: number;
  /** Steps executing at once across every run this process drives; waiters served by run priority. */
  slots?: StepSlots;
  /** Chooses models for steps without explicit ones; absent: explicit models pass through, else the model layer picks. */
  router?: StepRouter;
  /**
   * Loads the sub-workflows `workflow` steps call when a run starts (the CLI passes one with the
   * project's model catalog); default: the built-in catalog.
   */
  loadWorkflow?: WorkflowLoader;
  /** Directory relative paths in `check` steps resolve against (the workflow file's). */
  baseDir?: string;
  /** Tool servers for `agent` steps; started lazily, closed by whoever created the host. */
  tools?: ToolHost;
  /** Tool servers declared in quorum.config.yaml; the workflow's own `tools:` win on a name clash. */
  toolServers?: Readonly<Record<string, ToolServerSpec>>;
}

/** What a run is pinned to: the normalized workflow (prompts and schemas inside) and run options. */
export interface PinnedDefinition {
  workflow: Workflow;
  dryRun: boolean;
  /** Absent: `arbiter`. Pinned so a resumed or replayed run routes the way it started. */
  routing?: RoutingMode;
  /** The run fails when it is still going at this time (epoch ms). */
  deadlineAtMs?: number;
  /** Sub-workflows its `workflow` steps run, by step id, pinned when the run started. */
  children?: Record<string, PinnedChild>;
  /** A child run: the parent run and the step attempt that started it. */
  parent?: { runId: string; stepId: string; attempt: number; round: number };
}

/** Drives a run to its next stop (passed down so child runs need no import cycle). */
export type DriveFn = (deps: RuntimeDeps, runId: string, signal?: AbortSignal) => Promise<DriveOutcome>;

/** Everything a step execution needs from the run driving it. */
export interface RunScope {
  deps: RuntimeDeps;
  /** The client this run calls: the real one, or the stub for a dry run. */
  models: ModelClient;
  dryRun: boolean;
  routing: RoutingMode;
  pinned: PinnedDefinition;
  drive: DriveFn;
  runId: string;
  workflow: Workflow;
  state: EngineState;
  index: RunIndex;
  writer: JournalWriter;
  signal: AbortSignal;
}
