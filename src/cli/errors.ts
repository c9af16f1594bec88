/** Errors the CLI reports as one clear paragraph with an exit code, never a stack trace. */
export const exitCodes = { ok: 0, failed: 1, usage: 2, waiting: 3 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = exitCodes.usage,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/**
 * Errors that are nobody's mistake and may pass (a database locked or unreachable, a run another process
 * is driving): "failed", so a script can retry; the same command may work a moment later.
 */
const transient = new Set(["StoreUnavailableError", "RunBusyError"]);

/** Store errors in what the user named: a corrupt, foreign or newer file, an unknown record. */
const storeUserErrors = new Set(["StoreCorruptError", "StoreVersionError", "StoreNotFoundError"]);

/**
 * The exit code of an error the CLI reports as one paragraph, or undefined for an internal error (a bug,
 * reported as such). Matched by name, so errors of every layer map here without the CLI importing them.
 */
export function exitCodeFor(error: unknown): number | undefined {
  if (error instanceof CliError) return error.exitCode;
  const name = (error as Error | undefined)?.name ?? "";
  if (transient.has(name)) return exitCodes.failed;
  if ((error as { isUserError?: boolean } | undefined)?.isUserError || storeUserErrors.has(name))
    return exitCodes.usage;
  return undefined;
}
