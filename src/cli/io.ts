/** Output and exit behind an interface so golden tests run commands in-process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): void;
  /** Standard output is a terminal: live, redrawn progress instead of plain lines. */
  isTty?: boolean;
}

export const processIo: Io = {
  isTty: Boolean(process.stdout.isTTY) && !process.env.CI,
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  exit: (code) => {
    process.exitCode = code;
  },
};
