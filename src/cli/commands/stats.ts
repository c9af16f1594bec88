/** `quorum stats models`: quality, cost, latency and success per task type and model, from the store. */
import type { Command } from "commander";
import { durationPattern, type JournalEntry, parseDurationMs, type Store } from "../../spec/index.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { modelStats, renderModelStats } from "../output/model-stats.js";
import { openRuntime } from "../runtime-context.js";

export function registerStats(program: Command, io: Io): void {
  const stats = program.command("stats").description("Statistics from the store");
  stats
    .command("models")
    .description("Quality (gate scores and ratings), cost, latency and success rate per task type and model")
    .option("--since <duration>", "how far back, e.g. 7d, 12h", "30d")
    .option("--db <url>", "store URL")
    .option("--json", "print as JSON")
    .action(async (options: { since: string; db?: string; json?: boolean }) => {
      const windowMs = parseWindow(options.since);
      const open = await openRuntime({ db: options.db });
      try {
        const sinceMs = Date.now() - windowMs;
        const journals = await journalsSince(open.store, sinceMs);
        const observations = await open.store.listQualityObservations({ sinceMs, limit: 1_000_000 });
        const rows = modelStats(journals, observations);
        io.out(
          options.json
            ? JSON.stringify({ sinceMs, models: rows }, null, 2)
            : renderModelStats(rows, options.since),
        );
        io.exit(exitCodes.ok);
      } finally {
        await open.close();
      }
    });
}

function parseWindow(text: string): number {
  const ms = durationPattern.test(text) ? parseDurationMs(text) : 0;
  if (ms <= 0) throw new CliError(`--since must be a duration such as 30d, 12h or 90m, got '${text}'`);
  return ms;
}

/** Journals of the runs created since `sinceMs` (runs are listed newest first, page by page). */
async function journalsSince(store: Store, sinceMs: number): Promise<JournalEntry[][]> {
  const journals: JournalEntry[][] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.listRuns({ limit: 500, ...(cursor ? { cursor } : {}) });
    for (const run of page.runs) {
      if (run.createdAtMs < sinceMs) return journals;
      journals.push(await store.readEvents(run.id));
    }
    if (!page.nextCursor) return journals;
    cursor = page.nextCursor;
  }
}
