/**
 * The killing: keep `workers.length` workers alive; again and again pick one that is driving runs,
 * let it work a random 50–400 ms, SIGKILL it and start a replacement, until the requested number of
 * kills is reached or the work is finished. A worker that exits on its own without finishing the
 * work is a failure (it crashed by itself), reported with its last stderr lines.
 */
import { killWorker, sleepMs, type WorkerHandle } from "./process.js";

export interface KillLoopOptions {
  /** Live workers, one per slot; replaced in place after each kill. */
  workers: WorkerHandle[];
  spawn: () => WorkerHandle;
  kills: number;
  /** A fresh random delay for each kill. */
  killAfterMs: () => number;
  /** Uniform in [0, 1): which ready worker dies. */
  random: () => number;
  /** True while the provider holds an unanswered request (to count kills that cut a call). */
  requestPending: () => boolean;
  log: (line: string) => void;
  /** A worker that is not driving runs by then is a failure (default 60 000). */
  readyTimeoutMs?: number;
}

export interface KillLoopResult {
  kills: number;
  killsDuringRequest: number;
  failures: string[];
}

const isAlive = (worker: WorkerHandle) => worker.child.exitCode === null && worker.child.signalCode === null;

export async function killLoop(options: KillLoopOptions): Promise<KillLoopResult> {
  const { workers } = options;
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  const result: KillLoopResult = { kills: 0, killsDuringRequest: 0, failures: [] };
  const replace = (worker: WorkerHandle) => {
    workers[workers.indexOf(worker)] = options.spawn();
  };
  /** Replaces workers that died on their own; true when one finished all work. */
  const reapExited = (): boolean => {
    for (const worker of [...workers]) {
      if (isAlive(worker)) continue;
      if (worker.finished) return true;
      const exit = worker.child.exitCode ?? worker.child.signalCode;
      result.failures.push(
        `worker ${worker.name} exited by itself (${exit}): ${worker.stderrTail.join(" | ")}`,
      );
      replace(worker);
    }
    return false;
  };

  while (result.kills < options.kills) {
    const anyReady = Promise.race(
      workers.map((w) => w.ready.then((ok): Promise<unknown> | boolean => ok || w.exited)),
    );
    const woke = await Promise.race([anyReady.then(() => true), sleepMs(readyTimeoutMs).then(() => false)]);
    if (reapExited()) break;
    const ready = workers.filter((w) => w.readyAtMs !== undefined && isAlive(w));
    if (!woke || ready.length === 0) {
      if (woke) continue;
      for (const worker of workers)
        result.failures.push(`worker ${worker.name} not ready in ${readyTimeoutMs} ms`);
      for (const worker of [...workers]) await killWorker(worker).then(() => replace(worker));
      continue;
    }
    const victim = ready[Math.floor(options.random() * ready.length)]!;
    const afterMs = options.killAfterMs();
    await Promise.race([sleepMs(afterMs), victim.exited]);
    if (!isAlive(victim)) {
      if (reapExited()) break;
      continue;
    }
    if (options.requestPending()) result.killsDuringRequest++;
    await killWorker(victim);
    result.kills++;
    options.log(`kill ${result.kills}/${options.kills}: ${victim.name} after ${afterMs} ms of work`);
    replace(victim);
  }
  return result;
}
