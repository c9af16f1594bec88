/** Errors of the runtime a user can cause: each says what and how to fix it. */
export class RunNotFoundError extends Error {
  readonly isUserError = true;
  constructor(readonly runId: string) {
    super(`no run '${runId}' in this store; list runs with 'quorum runs' (or check --db / QUORUM_DB)`);
    this.name = "RunNotFoundError";
  }
}

export class WorkflowNotRunnableError extends Error {
  readonly isUserError = true;
  constructor(message: string) {
    super(message);
    this.name = "WorkflowNotRunnableError";
  }
}

/** Two processes drove the same run; the one that appended second stops with this. */
export class RunBusyError extends Error {
  readonly isUserError = true;
  constructor(readonly runId: string) {
    super(
      `run ${runId} is being driven by another process (its journal moved on while this one worked); nothing journaled was lost — see 'quorum status ${runId}'`,
    );
    this.name = "RunBusyError";
  }
}
