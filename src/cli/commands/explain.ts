/** `quorum explain RUN STEP`: why a step asked the models it asked, and what those calls did. */
import type { Command } from "commander";
import { loadPinnedWorkflow } from "../../runtime/index.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { explainStep, renderExplanation } from "../output/explain.js";
import { openRuntime } from "../runtime-context.js";

export function registerExplain(program: Command, io: Io): void {
  program
    .command("explain")
    .description(
      "Show a step's routing decisions (candidates, scores, reasons) and the model calls that followed",
    )
    .argument("<run>", "run id")
    .argument("<step>", "step id")
    .option("--db <url>", "store URL")
    .option("--json", "print as JSON")
    .action(async (runId: string, stepId: string, options: { db?: string; json?: boolean }) => {
      const open = await openRuntime({ db: options.db });
      try {
        const run = await open.runtime.requireRun(runId);
        const workflow = await loadPinnedWorkflow(open.runtime.deps, run.definitionHash);
        requireStep(
          workflow.steps.map((s) => s.id),
          runId,
          stepId,
        );
        const explanation = explainStep(runId, stepId, await open.store.readEvents(runId));
        io.out(options.json ? JSON.stringify(explanation, null, 2) : renderExplanation(explanation));
        io.exit(exitCodes.ok);
      } finally {
        await open.close();
      }
    });
}

/** A step id the run's pinned workflow does not have is a user error that lists the real ones. */
export function requireStep(stepIds: readonly string[], runId: string, stepId: string): void {
  if (!stepIds.includes(stepId))
    throw new CliError(
      `run ${runId} has no step '${stepId}'; its steps are: ${stepIds.join(", ")}. Check the spelling (step ids come from the workflow the run was started with).`,
    );
}
