/**
 * 200 concurrent 5-step runs in one process on SQLite (DESIGN.md §6 row 4): runs/s and peak RSS,
 * and the journal's size per run against the raw model output (row 5). It runs in a child process
 * (`node --import tsx` this file) so the peak RSS is this workload's, not the other benches' garbage;
 * the child's RSS before the workload is reported beside it (Node, tsx and the loaded modules).
 */
import { execFile } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Store } from "../../src/spec/index.js";
import { benchModel } from "./models.js";
import { median, settle } from "./stats.js";
import { benchRuntime, sqliteFactory } from "./stores.js";
import { chainWorkflow } from "./workflows.js";

export interface JournalBytes {
  outputBytesPerCall: number;
  runs: number;
  /** Sum of the events' JSON per run (what the journal stores). */
  journalBytesPerRun: number;
  /** Document contents per run (content-addressed blobs). */
  documentBytesPerRun: number;
  /** Model answer text per run. */
  rawOutputBytesPerRun: number;
  journalToRawOutput: number;
  journalPlusDocumentsToRawOutput: number;
  eventsPerRun: number;
}

export interface ConcurrentRunsResult {
  runs: number;
  stepsPerRun: number;
  rounds: number;
  /** Median over rounds; create + drive of every run. */
  runsPerSecond: number;
  runsPerSecondByRound: number[];
  peakRssMb: number;
  rssBeforeWorkloadMb: number;
  journal: JournalBytes[];
}

const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;

async function journalBytes(store: Store, runIds: string[], outputBytes: number): Promise<JournalBytes> {
  let journal = 0;
  let documents = 0;
  let events = 0;
  for (const id of runIds) {
    const entries = await store.readEvents(id);
    events += entries.length;
    for (const entry of entries) journal += Buffer.byteLength(JSON.stringify(entry.event));
    for (const doc of await store.listDocumentVersions(id)) documents += doc.sizeBytes;
  }
  const per = (n: number) => Math.round(n / runIds.length);
  return {
    outputBytesPerCall: 0,
    runs: runIds.length,
    journalBytesPerRun: per(journal),
    documentBytesPerRun: per(documents),
    rawOutputBytesPerRun: per(outputBytes),
    journalToRawOutput: Math.round((journal / outputBytes) * 100) / 100,
    journalPlusDocumentsToRawOutput: Math.round(((journal + documents) / outputBytes) * 100) / 100,
    eventsPerRun: per(events),
  };
}

async function childMain(runs: number, rounds: number): Promise<ConcurrentRunsResult> {
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 5);
  const factory = sqliteFactory();
  try {
    const workflow = chainWorkflow(5);
    const store = await factory.open("concurrent");
    const models = benchModel();
    const runtime = benchRuntime(store, models);
    const once = async (count: number) => {
      const outputBefore = models.outputBytes;
      const started = performance.now();
      const ids = await Promise.all(
        Array.from({ length: count }, async () => (await runtime.start(workflow, {})).id),
      );
      const outcomes = await Promise.all(ids.map((id) => runtime.drive(id)));
      const seconds = (performance.now() - started) / 1000;
      if (outcomes.some((o) => o !== "succeeded"))
        throw new Error(`a run ended ${outcomes.find((o) => o !== "succeeded")}`);
      return {
        ids,
        runsPerSecond: Math.round(count / seconds),
        outputBytes: models.outputBytes - outputBefore,
      };
    };
    await once(20); // JIT warm-up
    const byRound: number[] = [];
    let last: Awaited<ReturnType<typeof once>> | undefined;
    for (let r = 0; r < rounds; r++) {
      await settle();
      last = await once(runs);
      byRound.push(last.runsPerSecond);
    }
    const journal = [await journalBytes(store, last!.ids, last!.outputBytes)];
    // The same runs with 4 KB answers: how the journal scales with output size.
    const bigModels = benchModel({ text: `# Big\n\n${"lorem ipsum dolor sit amet ".repeat(150)}` });
    const bigRuntime = benchRuntime(store, bigModels);
    const bigIds = await Promise.all(
      Array.from({ length: 20 }, async () => (await bigRuntime.start(workflow, {})).id),
    );
    await Promise.all(bigIds.map((id) => bigRuntime.drive(id)));
    journal.push(await journalBytes(store, bigIds, bigModels.outputBytes));
    journal[0]!.outputBytesPerCall = Math.round(last!.outputBytes / (runs * 5));
    journal[1]!.outputBytesPerCall = Math.round(bigModels.outputBytes / bigModels.calls);
    return {
      runs,
      stepsPerRun: 5,
      rounds,
      runsPerSecond: median(byRound),
      runsPerSecondByRound: byRound,
      peakRssMb: mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024)),
      rssBeforeWorkloadMb: mb(rssBefore),
      journal,
    };
  } finally {
    clearInterval(sampler);
    await factory.close();
  }
}

/** Runs the measurement in a fresh child process and returns its result. */
export async function measureConcurrentRuns(
  options: { runs?: number; rounds?: number } = {},
): Promise<ConcurrentRunsResult> {
  const file = fileURLToPath(import.meta.url);
  const args = ["--import", "tsx", file, String(options.runs ?? 200), String(options.rounds ?? 3)];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    maxBuffer: 1 << 20,
    timeout: 300_000,
  });
  return JSON.parse(stdout.trim().split("\n").pop()!) as ConcurrentRunsResult;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const result = await childMain(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 3));
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
