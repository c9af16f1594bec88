/**
 * `npm run chaos [-- --runs 20 --kills 30 --seed 7 --db sqlite:x.db | --postgres]`: kill -9 workers
 * at random points while they drive runs over real HTTP, then prove from the journals and the fake
 * provider's request log that nothing was lost and no recorded call was repeated (DESIGN.md §6:
 * "100 % runs complete, 0 repeated recorded calls"). Exits 1 on any violation, 2 on bad flags.
 */
import { parseArgs } from "node:util";
import { type ChaosReport, runChaos } from "./chaos.js";

const usage =
  "usage: npm run chaos -- [--runs 30] [--kills 30] [--seed N] [--db sqlite:path | postgres://…] [--postgres] [--workers N] [--run-concurrency 1]";

function numberFlag(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new RangeError(`--${name} must be a whole number ≥ 0`);
  return parsed;
}

export function summarize(report: ChaosReport): string {
  const lines = [
    `chaos on ${report.store}, ${report.workersAtOnce} worker(s) at once, ${(report.durationMs / 1000).toFixed(1)} s`,
    `  runs:      ${report.runsSucceeded}/${report.runs} succeeded`,
    `  kills:     ${report.kills} SIGKILLs (${report.killsRequested} requested${report.kills < report.killsRequested ? "; the work finished first" : ""}), ${report.killsDuringRequest} during a provider request, ${report.workersStarted} workers started`,
    `  calls:     ${report.callsRecorded} recorded, ${report.callStarts} started, ${report.inFlightCallsRerun} in-flight calls re-run after a kill`,
    `  provider:  ${report.providerRequests} requests (warm-up calls excluded)`,
    `  violations: ${report.violations.length}`,
    ...report.violations.slice(0, 30).map((v) => `    - ${v}`),
  ];
  return lines.join("\n");
}

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      options: {
        runs: { type: "string" },
        kills: { type: "string" },
        seed: { type: "string" },
        db: { type: "string" },
        postgres: { type: "boolean" },
        workers: { type: "string" },
        "run-concurrency": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const flag = (name: string) => values[name] as string | undefined;
  let report: ChaosReport;
  try {
    const seed = numberFlag(flag("seed"), "seed", Date.now() % 1_000_000);
    console.log(`seed ${seed} (repeat with --seed ${seed})`);
    const workers = flag("workers");
    report = await runChaos({
      runs: numberFlag(flag("runs"), "runs", 30),
      kills: numberFlag(flag("kills"), "kills", 30),
      seed,
      ...(flag("db") ? { db: flag("db")! } : {}),
      ...(values.postgres ? { postgres: true } : {}),
      ...(workers ? { workers: Math.max(1, numberFlag(workers, "workers", 1)) } : {}),
      runConcurrency: Math.max(1, numberFlag(flag("run-concurrency"), "run-concurrency", 1)),
      log: (line) => console.log(line),
    });
  } catch (error) {
    if (error instanceof RangeError) {
      console.error(`${error.message}\n${usage}`);
      return 2;
    }
    throw error;
  }
  console.log(summarize(report));
  return report.violations.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
