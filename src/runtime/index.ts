/** The effectful runtime: drives runs through the pure engine, journaling everything. */

export { childRunId } from "./child-run.js";
export { openChildWaits, wakeParent } from "./child-waits.js";
export type { PinnedChild, WorkflowLoader } from "./children.js";
export { documentText, type StoredDocument } from "./document-text.js";
export { RunBusyError, RunNotFoundError, WorkflowNotRunnableError } from "./errors.js";
export { forkRun } from "./fork.js";
export { resolveInputs } from "./inputs.js";
export { type ReplayedRun, type ReplayReport, replayRun } from "./replay.js";
export { loadPinned, loadPinnedWorkflow, type PinnedDefinition } from "./run-driver.js";
export { newRunId, Runtime, type StartOptions } from "./runtime.js";
export { sleepUnlessAborted } from "./sleep.js";
export { StepSlots } from "./slots.js";
export type { DriveOutcome, RuntimeDeps } from "./types.js";
