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
