/**
 * The `monitor watch` loop. State survives restarts: it starts from the last recorded transition of each
 * rule, so a rule already firing is not announced again. Webhooks are delivered in the background; on exit
 * the loop waits for deliveries in flight (each bounded by its timeout and retries).
 */
import { existsSync } from "node:fs";
import { loadAlerts } from "../../definition/index.js";
import {
  type AlertStates,
  displayUrl,
  evaluateRules,
  formatMetricValue,
  loadAlertStates,
  normalizeAlerts,
  SampleBuffer,
  WebhookNotifier,
} from "../../monitor/index.js";
import { sleepUnlessAborted as sleep } from "../../runtime/index.js";
import { readTextOrUndefined } from "../context.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { openMonitorSource, parseSince } from "../monitor-source.js";
import { formatIssue, summaryLine } from "../output/issues.js";

export interface WatchOptions {
  alerts: string;
  db?: string;
  interval?: string;
  once?: boolean;
  json?: boolean;
}

/** Runs until `signal` aborts (tests), SIGINT or SIGTERM (Ctrl-C), or after one evaluation with `once`. */
export async function runWatch(options: WatchOptions, io: Io, signal?: AbortSignal): Promise<void> {
  const loaded = loadAlerts(options.alerts);
  if (!loaded.alerts && !existsSync(options.alerts))
    throw new CliError(
      `alerts file '${options.alerts}' does not exist; create it (docs/monitoring.md has an example with every metric) or pass --alerts FILE`,
    );
  if (!loaded.alerts) {
    for (const issue of loaded.issues) io.err(formatIssue(issue, readTextOrUndefined));
    throw new CliError(
      `${options.alerts}: ${summaryLine(loaded.issues)}; fix the alert rules above (docs/monitoring.md lists the metrics)`,
    );
  }
  const config = normalizeAlerts(loaded.alerts);
  const intervalMs = options.interval ? parseSince(options.interval, "--interval") : config.checkIntervalMs;
  const widestMs = Math.max(0, ...config.rules.map((r) => r.windowMs));
  const source = await openMonitorSource(options.db, (m) => io.err(`warning: ${m}`));
  const notifier = new WebhookNotifier({
    targets: config.webhooks,
    onResult: (r) =>
      r.ok
        ? io.out(`webhook ${displayUrl(r.url)}: delivered ${r.rule} ${r.state} (attempt ${r.attempts})`)
        : io.err(
            `webhook ${displayUrl(r.url)}: could not deliver ${r.rule} ${r.state} after ${r.attempts} attempts: ${r.error}`,
          ),
  });
  const controller = new AbortController();
  const stop = () => controller.abort();
  signal?.addEventListener("abort", stop, { once: true });
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    let states: AlertStates = await loadAlertStates(source.store);
    const buffer = new SampleBuffer(widestMs);
    const check = async (): Promise<void> => {
      const nowMs = Date.now();
      const samples = buffer.add(await source.tail.poll(nowMs - widestMs), nowMs);
      const evaluation = evaluateRules(config.rules, samples, nowMs, states);
      if (evaluation.transitions.length > 0) await source.store.appendAlertEvents(evaluation.transitions);
      // Only a recorded transition counts: if recording failed, the next check tries the same one again.
      states = evaluation.states;
      for (const t of evaluation.transitions) {
        io.out(options.json ? JSON.stringify(t) : `${new Date(t.atMs).toISOString()}  ${t.message}`);
        notifier.notify(t);
      }
      if (options.once && !options.json)
        for (const [i, r] of evaluation.results.entries())
          io.out(
            `  ${r.status.padEnd(8)} ${r.rule}: ${formatMetricValue(config.rules[i]!.metric, r.value)} (${r.samples} samples)`,
          );
    };
    if (options.once) await check();
    else {
      io.out(
        `watching ${config.rules.length} rules on ${source.store.target} every ${intervalMs / 1000}s (Ctrl-C to stop)`,
      );
      while (!controller.signal.aborted) {
        // A long-running monitor outlives a database restart: report the failed check and try again.
        await check().catch((error: Error) =>
          io.err(`monitor: check failed: ${error.message}; trying again in ${intervalMs / 1000}s`),
        );
        await sleep(intervalMs, controller.signal);
      }
    }
    await notifier.flush();
    io.exit(exitCodes.ok);
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await source.close();
  }
}
