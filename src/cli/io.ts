/** Output and exit behind an interface so golden tests run commands in-process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  exit: (code) => {
    process.exitCode = code;
  },
};
