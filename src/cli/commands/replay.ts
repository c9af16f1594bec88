/** `quorum replay RUN`: re-execute a run from its journal with zero live calls; exit 0 when identical. */
import type { Command } from "commander";
import { plural } from "../../planner/index.js";
import { replayRun } from "../../runtime/index.js";
import { builtinExecutors } from "../../steps/index.js";
import { openStore } from "../../store/index.js";
import { exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { storeUrl } from "../runtime-context.js";

export function registerReplay(program: Command, io: Io): void {
  program
    .command("replay")
    .description(
      "Re-execute a run from its journal (no live model call) and check it reproduces its documents",
    )
    .argument("<run>", "run id")
    .option("--db <url>", "store URL")
    .option("--json", "print the report as JSON")
    .action(async (runId: string, options: { db?: string; json?: boolean }) => {
      const source = await openStore(storeUrl(options.db));
      const scratch = await openStore("sqlite::memory:");
      try {
        const report = await replayRun(source, runId, scratch, {
          executors: builtinExecutors,
          now: Date.now,
        });
        if (options.json) io.out(JSON.stringify(report, null, 2));
        else {
          io.out(`replay of ${runId}: ${report.outcome} (recorded: ${report.originalStatus})`);
          io.out(
            `${plural(report.callsAnsweredFromJournal, "model call")} answered from the journal, ${report.unrecordedCalls} not in it (0 live calls made)`,
          );
          for (const d of report.documents)
            io.out(`  ${d.identical ? "=" : "≠"} ${d.documentId} v${d.version}`);
          for (const c of report.children) {
            io.out(
              `  child run ${c.runId}: ${c.outcome} (recorded: ${c.originalStatus})${c.identical ? "" : " — DIFFERENT"}`,
            );
            for (const d of c.documents)
              io.out(`    ${d.identical ? "=" : "≠"} ${d.documentId} v${d.version}`);
          }
          io.out(
            report.identical
              ? "identical: the run reproduces exactly"
              : "DIFFERENT: the replay did not reproduce the run",
          );
        }
        io.exit(report.identical ? exitCodes.ok : exitCodes.failed);
      } finally {
        await scratch.close();
        await source.close();
      }
    });
}
