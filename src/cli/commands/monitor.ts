/**
 * `quorum monitor report`: the last period against the product's success metrics, pass/fail per metric.
 * `quorum monitor watch`: evaluates `quorum.alerts.yaml` every check interval; transitions are recorded in
 * the store, printed, and POSTed to the configured webhooks.
 */
import type { Command } from "commander";
import { computeMetrics, formatReport, successReport } from "../../monitor/index.js";
import { exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { openMonitorSource, parseSince } from "../monitor-source.js";
import { runWatch } from "./monitor-watch.js";

export function registerMonitor(program: Command, io: Io): void {
  const monitor = program.command("monitor").description("Success metrics and alerts over recent runs");

  monitor
    .command("report")
    .description(
      "Compare the last period to the success metrics (response time, success rate, quality, security)",
    )
    .option("--since <duration>", "how far back to look, e.g. 1h, 24h, 7d", "24h")
    .option("--db <url>", "store URL")
    .option("--json", "print as JSON")
    .option("--fail-on-miss", "exit 1 when a measured target is missed (for CI)")
    .action(async (options: { since: string; db?: string; json?: boolean; failOnMiss?: boolean }) => {
      const sinceMs = parseSince(options.since);
      const source = await openMonitorSource(options.db, (m) => io.err(`warning: ${m}`));
      try {
        const nowMs = Date.now();
        const fromMs = nowMs - sinceMs;
        const samples = await source.tail.poll(fromMs);
        const report = successReport(computeMetrics(samples, { fromMs, toMs: nowMs + 1 }));
        const alerts = await source.store.listAlertEvents({ sinceMs: fromMs });
        if (options.json) io.out(JSON.stringify({ ...report, alerts }, null, 2));
        else {
          io.out(formatReport(report));
          if (alerts.length > 0) {
            io.out(`\nAlert transitions in the period (${alerts.length}):`);
            for (const a of alerts) io.out(`  ${new Date(a.atMs).toISOString()}  ${a.message}`);
          }
        }
        io.exit(options.failOnMiss && !report.passed ? exitCodes.failed : exitCodes.ok);
      } finally {
        await source.close();
      }
    });

  monitor
    .command("watch")
    .description("Evaluate alert rules every check interval until stopped (Ctrl-C)")
    .option("--alerts <file>", "alert rules", "quorum.alerts.yaml")
    .option("--db <url>", "store URL")
    .option("--interval <duration>", "override the file's checkInterval")
    .option("--once", "evaluate once, deliver webhooks, and exit")
    .option("--json", "print transitions as JSON lines")
    .action(
      async (options: { alerts: string; db?: string; interval?: string; once?: boolean; json?: boolean }) => {
        await runWatch(options, io);
      },
    );
}
