/** Drive a run in the foreground with progress, Ctrl-C handling and a final summary. */
import pc from "picocolors";
import { StoreUnavailableError } from "../../errors/index.js";
import type { DriveOutcome } from "../../runtime/index.js";
import { loadPinnedWorkflow } from "../../runtime/index.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { liveTree } from "../output/live-tree.js";
import { progressPrinter } from "../output/progress.js";
import { runSummary } from "../output/summary.js";
import type { OpenRuntime } from "../runtime-context.js";

export const outcomeExitCode: Record<DriveOutcome, number> = {
  succeeded: exitCodes.ok,
  failed: exitCodes.failed,
  cancelled: exitCodes.failed,
  waiting: exitCodes.waiting,
  interrupted: exitCodes.failed,
};

export async function driveAndReport(
  open: OpenRuntime,
  runId: string,
  io: Io,
  options: { json?: boolean; dryRun?: boolean } = {},
): Promise<number> {
  const controller = new AbortController();
  const onSigint = () => {
    io.err("interrupting: in-flight calls are aborted; the run can be resumed");
    controller.abort(new Error("interrupted"));
  };
  process.once("SIGINT", onSigint);
  let tree: ReturnType<typeof liveTree> | undefined;
  if (!options.json && io.isTty) {
    const run = await open.runtime.requireRun(runId);
    const workflow = await loadPinnedWorkflow(open.runtime.deps, run.definitionHash);
    tree = liveTree(
      workflow.steps.map((s) => s.id),
      (text) => process.stdout.write(text),
    );
    const draw = tree;
    // A resumed run starts from where its journal stands: steps done before show as done.
    open.runtime.deps.onDriveStart = (id, journal) => {
      if (id === runId) for (const entry of journal) draw.onEvent(id, entry.event, entry.atMs);
    };
    open.runtime.deps.onEvent = (id, event) => {
      if (id === runId) draw.onEvent(id, event);
    };
  } else if (!options.json) {
    const printer = progressPrinter((line) => io.out(line));
    open.runtime.deps.onDriveStart = (id, _journal, resumed) => printer.resume(id, resumed);
    open.runtime.deps.onEvent = printer;
  }
  try {
    const outcome = await open.runtime.drive(runId, controller.signal).catch((error: unknown) => {
      // The store failing mid-run (locked too long, disk full, database gone) stops the run where its
      // journal stands: nothing journaled is lost, and the run goes on from there once the store is back.
      if (!(error instanceof StoreUnavailableError)) throw error;
      throw new CliError(
        `${error.message} The run stopped where its journal stands; nothing journaled is lost. Continue it with 'quorum resume ${runId}' once the store is available.`,
        exitCodes.failed,
      );
    });
    tree?.finish();
    const summary = await runSummary(open.store, runId);
    if (options.json) io.out(JSON.stringify({ ...summary, outcome }, null, 2));
    else {
      io.out("");
      io.out(summary.text);
      if (outcome === "waiting")
        io.out(
          pc.magenta(
            `\nwaiting for a person: see 'quorum inbox', then 'quorum answer|approve|reject ${runId} <step>'`,
          ),
        );
      if (outcome === "interrupted") io.out(`\ninterrupted; continue with 'quorum resume ${runId}'`);
    }
    return outcomeExitCode[outcome];
  } finally {
    process.removeListener("SIGINT", onSigint);
  }
}
