/**
 * The CLI as a function of (argv, io), so golden tests run it in-process. Usage errors exit 2,
 * user errors print one paragraph, internal errors say so (stack only with --debug).
 */
import { Command, CommanderError } from "commander";
import { registerControl } from "./commands/control.js";
import { registerCosts } from "./commands/costs.js";
import { registerDocs } from "./commands/docs.js";
import { registerExplain } from "./commands/explain.js";
import { registerFeedback } from "./commands/feedback.js";
import { registerInit } from "./commands/init.js";
import { registerMetrics } from "./commands/metrics.js";
import { registerModels } from "./commands/models.js";
import { registerMonitor } from "./commands/monitor.js";
import { registerPlan } from "./commands/plan.js";
import { registerReplay } from "./commands/replay.js";
import { registerRun } from "./commands/run.js";
import { registerRuns } from "./commands/runs.js";
import { registerStats } from "./commands/stats.js";
import { registerValidate } from "./commands/validate.js";
import { registerWorker } from "./commands/worker.js";
import { exitCodeFor, exitCodes } from "./errors.js";
import type { Io } from "./io.js";
import { packageVersion } from "./package-root.js";

export function buildProgram(io: Io): Command {
  const program = new Command("quorum")
    .description("Durable multi-model LLM workflows: validate, plan and run them from one YAML file.")
    .version(packageVersion(), "-V, --version")
    .option("--debug", "show stack traces for internal errors")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  registerValidate(program, io);
  registerPlan(program, io);
  registerInit(program, io);
  registerRun(program, io);
  registerRuns(program, io);
  registerControl(program, io);
  registerDocs(program, io);
  registerWorker(program, io);
  registerReplay(program, io);
  registerModels(program, io);
  registerCosts(program, io);
  registerMonitor(program, io);
  registerMetrics(program, io);
  registerExplain(program, io);
  registerFeedback(program, io);
  registerStats(program, io);
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function runCli(argv: string[], io: Io): Promise<void> {
  const program = buildProgram(io);
  const debug = argv.includes("--debug");
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      io.exit(error.exitCode === 0 ? exitCodes.ok : exitCodes.usage);
      return;
    }
    const exitCode = exitCodeFor(error);
    if (exitCode !== undefined) {
      io.err(`error: ${(error as Error).message}`);
      io.exit(exitCode);
      return;
    }
    const err = error as Error;
    io.err(
      `internal error: ${err.message}\nThis is a bug in quorum, not in your input. Please report it with the command you ran and 'quorum --version'.${debug ? `\n${err.stack}` : " Run with --debug for details."}`,
    );
    io.exit(exitCodes.failed);
  }
}
