/** Output and exit behind an interface so golden tests run commands in-process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): void;
  /** Standard output is a terminal: live, redrawn progress instead of plain lines. */
  isTty?: boolean;
}

/** Cleared when the reader of that stream went away (`quorum run … | head`): further output is dropped. */
const open = { stdout: true, stderr: true };

/**
 * A reader that closes the pipe early makes the next write fail with EPIPE, emitted as an 'error'
 * event that would crash the process mid-run with a stack trace. The command goes on (a run is driven
 * to its end, or to where it waits, and journaled) and simply stops printing.
 */
export function dropOutputWhenReaderLeaves(): void {
  for (const name of ["stdout", "stderr"] as const)
    process[name].on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      open[name] = false;
    });
}

export const processIo: Io = {
  isTty: Boolean(process.stdout.isTTY) && !process.env.CI,
  out: (text) => {
    if (open.stdout) process.stdout.write(`${text}\n`);
  },
  err: (text) => {
    if (open.stderr) process.stderr.write(`${text}\n`);
  },
  exit: (code) => {
    process.exitCode = code;
  },
};
