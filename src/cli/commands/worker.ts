/**
 * `quorum worker`: claim runnable runs from the shared store with leases and drive them; sleeps
 * on the store's wake-up signal (PostgreSQL LISTEN/NOTIFY) when idle, never busy-polls. A killed
 * worker's runs are taken over when their lease expires. `quorum gc` deletes old runs and blobs.
 */
import type { Command } from "commander";
import { loadProject } from "../context.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { openRuntime } from "../runtime-context.js";

export function registerWorker(program: Command, io: Io): void {
  program
    .command("worker")
    .description("Execute runs from the shared store until stopped (Ctrl-C)")
    .option("--db <url>", "store URL (PostgreSQL to share work between machines)")
    .option("--config <file>", "project config")
    .option("--concurrency <n>", "runs driven at once", "8")
    .option("--lease <ms>", "lease length; a dead worker's runs move after this", "15000")
    .option("--dry-run", "use the schema-driven stub instead of real models")
    .option("--once", "exit when there is no more work")
    .action(
      async (options: {
        db?: string;
        config?: string;
        concurrency: string;
        lease: string;
        dryRun?: boolean;
        once?: boolean;
      }) => {
        const concurrency = Math.max(1, Number(options.concurrency) || 8);
        const leaseMs = Math.max(1000, Number(options.lease) || 15_000);
        const open = await openRuntime({
          db: options.db,
          dryRun: options.dryRun,
          project: loadProject(options.config),
        });
        const controller = new AbortController();
        process.once("SIGINT", () => controller.abort());
        process.once("SIGTERM", () => controller.abort());
        const active = new Map<string, Promise<void>>();
        const heartbeat = setInterval(() => {
          if (active.size > 0)
            open.store.heartbeat(open.workerId, [...active.keys()], leaseMs).catch(() => undefined);
        }, leaseMs / 3);
        io.out(`worker ${open.workerId} on ${open.store.target}, up to ${concurrency} runs`);
        try {
          while (!controller.signal.aborted) {
            const free = concurrency - active.size;
            const claimed = free > 0 ? await open.store.claimRuns(open.workerId, free, leaseMs) : [];
            for (const run of claimed) {
              const task = open.runtime
                .drive(run.id, controller.signal)
                .then((outcome) => io.out(`${run.id} ${outcome}`))
                .catch((error: Error) => io.err(`${run.id} stopped: ${error.message}`))
                .finally(async () => {
                  active.delete(run.id);
                  await open.store.releaseRun(open.workerId, run.id).catch(() => false);
                });
              active.set(run.id, task);
            }
            if (claimed.length > 0) continue;
            if (options.once && active.size === 0) break;
            if (active.size >= concurrency) await Promise.race(active.values());
            else await Promise.race([open.store.waitForWork(controller.signal, 5000), ...active.values()]);
          }
          await Promise.allSettled(active.values());
          io.exit(exitCodes.ok);
        } finally {
          clearInterval(heartbeat);
          await open.close();
        }
      },
    );

  program
    .command("gc")
    .description(
      "Delete finished runs older than a duration, orphaned blobs, their ledger rows and expired cache entries",
    )
    .requiredOption("--older-than <duration>", "e.g. 30d, 12h")
    .option("--db <url>", "store URL")
    .option("--json", "print as JSON")
    .action(async (options: { olderThan: string; db?: string; json?: boolean }) => {
      const match = /^(\d+)([dhm])$/.exec(options.olderThan);
      if (!match) throw new CliError(`--older-than '${options.olderThan}' must look like 30d, 12h or 45m`);
      const ms = Number(match[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as "d" | "h" | "m"];
      const open = await openRuntime({ db: options.db });
      try {
        const cutoff = new Date(Date.now() - ms);
        const runs = await open.store.deleteRunsOlderThan(cutoff);
        const blobs = await open.store.deleteOrphanBlobs();
        // After the runs: ledger rows of the runs just deleted go too (except today's).
        const spend = await open.store.deleteSpendOlderThan(cutoff);
        io.out(
          options.json
            ? JSON.stringify({ runsDeleted: runs, ...blobs, ...spend })
            : `deleted ${runs} runs and ${blobs.blobsDeleted} orphaned blobs (${blobs.bytesDeleted} bytes), ` +
                `${spend.ledgerRowsDeleted} ledger rows and ${spend.cacheEntriesDeleted} expired cache entries; ` +
                `expired ${spend.reservationsExpired} stale reservations`,
        );
        io.exit(exitCodes.ok);
      } finally {
        await open.close();
      }
    });
}
