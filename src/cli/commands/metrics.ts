/** `quorum metrics export`: every aggregate of a period as one documented JSON file (docs/monitoring.md). */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { computeMetrics, metricsExport } from "../../monitor/index.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { openMonitorSource, parseSince } from "../monitor-source.js";

export function registerMetrics(program: Command, io: Io): void {
  const metrics = program.command("metrics").description("Export monitoring metrics");
  metrics
    .command("export")
    .description("Write per-model, per-step and per-workflow aggregates of a period as JSON")
    .requiredOption("--out <file>", "where to write the JSON (- for standard output)")
    .option("--since <duration>", "how far back to look, e.g. 1h, 24h, 7d", "24h")
    .option("--db <url>", "store URL")
    .option("--json", "print the summary line as JSON")
    .action(async (options: { out: string; since: string; db?: string; json?: boolean }) => {
      const sinceMs = parseSince(options.since);
      const source = await openMonitorSource(options.db, (m) => io.err(`warning: ${m}`));
      try {
        const nowMs = Date.now();
        const fromMs = nowMs - sinceMs;
        const samples = await source.tail.poll(fromMs);
        const exported = metricsExport(computeMetrics(samples, { fromMs, toMs: nowMs + 1 }), nowMs);
        const text = `${JSON.stringify(exported, null, 2)}\n`;
        if (options.out === "-") io.out(text.trimEnd());
        else {
          try {
            writeFileSync(options.out, text);
          } catch (error) {
            throw new CliError(
              `cannot write metrics to '${options.out}': ${(error as Error).message}; choose a writable path with --out`,
            );
          }
          const o = exported.overall;
          const summary = { out: options.out, calls: o.calls, steps: o.steps, costUsd: o.costUsd };
          io.out(
            options.json
              ? JSON.stringify(summary)
              : `wrote metrics for ${o.calls} model calls and ${o.steps} step attempts ($${o.costUsd.toFixed(4)}) to ${options.out}`,
          );
        }
        io.exit(exitCodes.ok);
      } finally {
        await source.close();
      }
    });
}
