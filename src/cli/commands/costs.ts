/** `quorum costs [--run R] [--since 7d] [--json]`: spend from the ledger, per run, workflow, step and model. */
import type { Command } from "commander";
import { durationPattern, parseDurationMs, type RunStatus } from "../../spec/index.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { costReport, renderCostReport } from "../output/costs.js";
import { openRuntime } from "../runtime-context.js";

interface CostsOptions {
  run?: string;
  since?: string;
  db?: string;
  json?: boolean;
}

export function registerCosts(program: Command, io: Io, now: () => number = Date.now): void {
  program
    .command("costs")
    .description("Spend per run, workflow, step and model, including failed calls and cancelled runs")
    .option("--run <run>", "only this run")
    .option("--since <duration>", "only calls made within this long, e.g. 24h or 7d")
    .option("--db <url>", "store URL")
    .option("--json", "print as JSON")
    .action(async (options: CostsOptions) => {
      if (options.since !== undefined && !durationPattern.test(options.since))
        throw new CliError(
          `--since '${options.since}' is not a duration; write it like 30m, 24h or 7d (units ms, s, m, h, d).`,
        );
      const sinceMs = options.since === undefined ? undefined : now() - parseDurationMs(options.since);
      const open = await openRuntime({ db: options.db });
      try {
        if (options.run !== undefined && !(await open.store.getRun(options.run)))
          throw new CliError(
            `no run '${options.run}' in ${open.store.target}; list runs with 'quorum runs'.`,
          );
        const records = await open.store.listSpend({
          ...(options.run !== undefined ? { runId: options.run } : {}),
          ...(sinceMs !== undefined ? { sinceMs } : {}),
        });
        const statuses = new Map<string, RunStatus>();
        for (const runId of new Set(records.map((r) => r.runId))) {
          const run = await open.store.getRun(runId);
          if (run) statuses.set(runId, run.status);
        }
        const report = costReport(records, statuses);
        if (options.json) io.out(JSON.stringify(report, null, 2));
        else {
          const scope = [
            options.run ? `of run ${options.run}` : "of all runs",
            ...(options.since ? [`in the last ${options.since}`] : []),
          ].join(" ");
          for (const text of renderCostReport(report, scope)) io.out(text);
        }
        io.exit(exitCodes.ok);
      } finally {
        await open.close();
      }
    });
}
