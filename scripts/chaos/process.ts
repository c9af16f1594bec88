/**
 * Spawning and killing chaos workers. A worker is a real child process (`node --import tsx`), so
 * SIGKILL stops it wherever it is: inside a store transaction, between an HTTP request and its
 * answer, or half way through writing a batch — the crashes the journal must survive.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, "..", "..");
const workerScript = join(here, "worker.ts");

export interface WorkerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerHandle {
  readonly name: string;
  readonly child: ChildProcess;
  /** True once the worker printed `ready`; false when it exited first. */
  readonly ready: Promise<boolean>;
  readonly exited: Promise<WorkerExit>;
  /** When it printed `ready` (started driving runs). */
  readyAtMs?: number;
  /** Set when the worker printed `done` (no unfinished run left). */
  finished: boolean;
  /** The last lines it wrote to stderr, for the report. */
  readonly stderrTail: string[];
}

const stderrLinesKept = 20;

export function spawnWorker(name: string, env: Record<string, string>): WorkerHandle {
  const child = spawn(process.execPath, ["--import", "tsx", workerScript], {
    cwd: repoRoot,
    env: { ...process.env, ...env, QUORUM_CHAOS_WORKER_ID: name },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stderrTail: string[] = [];
  let markReady: (value: boolean) => void = () => undefined;
  const ready = new Promise<boolean>((resolve) => {
    markReady = resolve;
  });
  const handle: WorkerHandle = {
    name,
    child,
    ready,
    finished: false,
    stderrTail,
    exited: new Promise((resolve) => {
      child.on("exit", (code, signal) => {
        markReady(false);
        resolve({ code, signal });
      });
    }),
  };
  let stdoutBuffer = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    const lines = (stdoutBuffer + chunk).split("\n");
    stdoutBuffer = lines.pop() ?? "";
    if (lines.includes("ready")) {
      handle.readyAtMs ??= Date.now();
      markReady(true);
    }
    if (lines.includes("done")) handle.finished = true;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderrTail.push(...chunk.split("\n").filter((line) => line.trim() !== ""));
    stderrTail.splice(0, Math.max(0, stderrTail.length - stderrLinesKept));
  });
  child.stdin?.on("error", () => undefined);
  return handle;
}

/** SIGKILL, then wait for the exit (no-op when it already exited). */
export async function killWorker(handle: WorkerHandle): Promise<WorkerExit> {
  if (handle.child.exitCode === null && handle.child.signalCode === null) handle.child.kill("SIGKILL");
  return await handle.exited;
}

/** Resolves with the exit, or undefined when `timeoutMs` passed first (the worker is then killed). */
export async function waitForExit(handle: WorkerHandle, timeoutMs: number): Promise<WorkerExit | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  const exit = await Promise.race([handle.exited, timeout]);
  clearTimeout(timer);
  if (exit === undefined) await killWorker(handle);
  return exit;
}

/**
 * Hands out started workers and keeps `standbyCount` warm replacements loaded, so a restart after a
 * kill takes what opening the store takes, not what loading the SDK takes (over a second on a busy
 * 2-core machine): kills then fill the session with work instead of process start-up.
 */
export class WorkerSupply {
  private readonly standby: WorkerHandle[] = [];
  private count = 0;
  readonly started: WorkerHandle[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly standbyCount = 2,
  ) {}

  next(): WorkerHandle {
    const worker = this.standby.shift() ?? this.spawn();
    while (this.standby.length < this.standbyCount) this.standby.push(this.spawn());
    worker.child.stdin?.write("go\n");
    this.started.push(worker);
    return worker;
  }

  /** Kills the standbys and every worker still alive. */
  async close(): Promise<void> {
    for (const worker of [...this.started, ...this.standby]) await killWorker(worker);
  }

  private spawn(): WorkerHandle {
    return spawnWorker(`chaos-w${++this.count}-${randomUUID().slice(0, 4)}`, this.env);
  }
}

export const sleepMs = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
