/**
 * Leases of the runs a CLI process drives. `quorum run` creates its run leased; `resume`, an answer that
 * continues its run, and `fork` lease theirs before driving. Two processes driving one run would both
 * make its next calls (the journal refuses the loser's appends, but only after the provider was paid),
 * so a run another process holds is left to it, with a message saying so.
 */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { CliError, exitCodes } from "./errors.js";
import type { Io } from "./io.js";
import type { OpenRuntime } from "./runtime-context.js";

/** Long enough to outlive a slow store round trip many times over; renewed every third of it. */
export const cliLeaseMs = 60_000;

export interface HeldLeases {
  /** Stops renewing and gives every lease back, so a worker or another `resume` may take the runs. */
  release(): Promise<void>;
}

/** Renews the leases on `runIds` (already held) until `release()`. */
export function renewLeases(open: OpenRuntime, runIds: readonly string[]): HeldLeases {
  if (runIds.length === 0) return { release: async () => undefined };
  const held = [...runIds];
  const timer = setInterval(() => {
    open.store.heartbeat(open.workerId, held, cliLeaseMs).catch(() => undefined);
  }, cliLeaseMs / 3);
  timer.unref();
  return {
    release: async () => {
      clearInterval(timer);
      for (const id of held) await open.store.releaseRun(open.workerId, id).catch(() => false);
    },
  };
}

/** Who holds a run, when `leaseRun` refused it; undefined when the run is finished (nothing to drive). */
async function leaseHolder(open: OpenRuntime, runId: string): Promise<LeaseHolder | undefined> {
  const run = await open.runtime.requireRun(runId);
  if (run.status === "succeeded" || run.status === "failed" || run.status === "cancelled") return undefined;
  const owner = run.leaseOwner ?? "another process";
  return {
    owner,
    expiresInMs: Math.max(0, (run.leaseExpiresAtMs ?? Date.now()) - Date.now()),
    gone: processGone(owner),
  };
}

export interface LeaseHolder {
  readonly owner: string;
  readonly expiresInMs: number;
  /** The holder is a process on this machine that no longer runs (killed): its lease may be taken over. */
  readonly gone: boolean;
}

/** CLI and worker ids are `host:pid`; on this host a missing pid means the holder was killed. */
function processGone(owner: string): boolean {
  const at = owner.lastIndexOf(":");
  const pid = Number(owner.slice(at + 1));
  if (at <= 0 || owner.slice(0, at) !== hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
  // A killed process whose parent has not reaped it yet is a zombie: it still answers signal 0.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
  } catch {
    return false;
  }
}

/**
 * Leases `runId` for driving here. A finished run needs no lease (driving it only reports how it
 * ended); a run another process holds stops the command with one clear error.
 */
export async function leaseForDriving(open: OpenRuntime, runId: string, io: Io): Promise<HeldLeases> {
  const attempt = await tryLease(open, runId, io);
  if (attempt.leased || attempt.holder === undefined) return renewLeases(open, attempt.leased ? [runId] : []);
  throw new CliError(drivenElsewhere(runId, attempt.holder), exitCodes.failed);
}

/**
 * Leases `runId` here; when a killed process on this machine still holds it, takes it over at once
 * (saying so) instead of making the user wait for that lease to run out. Otherwise reports the holder
 * (undefined when the run is finished).
 */
export async function tryLease(
  open: OpenRuntime,
  runId: string,
  io: Io,
  /** Keep trying this long while a live holder has it (it may be about to let go). */
  patienceMs = 0,
): Promise<{ leased: true } | { leased: false; holder: LeaseHolder | undefined }> {
  const giveUpAtMs = Date.now() + patienceMs;
  for (;;) {
    if (await open.store.leaseRun(open.workerId, runId, cliLeaseMs)) return { leased: true };
    const holder = await leaseHolder(open, runId);
    if (holder?.gone && (await open.store.leaseRun(open.workerId, runId, cliLeaseMs, holder.owner))) {
      io.err(`taking over run ${runId} from ${holder.owner}, which no longer runs (it was killed)`);
      return { leased: true };
    }
    if (holder === undefined || Date.now() >= giveUpAtMs) return { leased: false, holder };
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

function drivenElsewhere(runId: string, holder: LeaseHolder): string {
  const seconds = Math.ceil(holder.expiresInMs / 1000);
  return (
    `run ${runId} is being driven by ${holder.owner} (its lease runs ${seconds} s more ` +
    "and is renewed while that process lives), so it is not driven here too: its calls would be paid twice. " +
    `Follow it with 'quorum status ${runId}'. If that process is killed, 'quorum resume ${runId}' takes the run over ` +
    "(at once on the same machine, else once the lease has run out)."
  );
}
