/** Run the CLI in-process and capture what it prints and its exit code. */
import type { Io } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";

export interface CliResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function cli(...argv: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  let exitCode = 0;
  const io: Io = {
    out: (text) => {
      stdout += `${text}\n`;
    },
    err: (text) => {
      stderr += `${text}\n`;
    },
    exit: (code) => {
      exitCode = code;
    },
  };
  await runCli(argv, io);
  return { stdout, stderr, exitCode };
}
