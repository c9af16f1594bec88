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
