/**
 * Child runs that wait for a person. The `workflow` step journals `child-run-wait` and the parent waits
 * like any step waiting for a person (status `waiting`, exit code 3). The wait is lifted by
 * `child-run-resume`, appended whenever the child stops waiting — answered, timed out, ended, cancelled —
 * by whoever made it stop (`wakeParent`), and, as a safety net for a crash in between, by the parent's
 * own driver when it starts (`dueChildResumes`). Waking goes up the chain: a grandparent waiting on a
 * parent that waited on the child is woken too. Everything is an appended event, so any process can
 * do it and doing it twice changes nothing.
 */
import { StoreConflictError } from "../errors/index.js";
import type { ChildRunResumeEvent, RunEvent, RunRecord } from "../spec/index.js";
import { loadPinned } from "./pinned.js";
import type { RunIndex } from "./run-index.js";
import type { RuntimeDeps } from "./types.js";

type Deps = Pick<RuntimeDeps, "store" | "now">;

const terminal = (status: string) => status === "succeeded" || status === "failed" || status === "cancelled";

/** A waiting child whose durable timer (an approval's timeout, the deadline) is due must be driven. */
export const childDue = (child: RunRecord, nowMs: number) =>
  child.status !== "waiting" || (child.wakeAtMs !== undefined && child.wakeAtMs <= nowMs);

/** Child run ids of `events` whose `child-run-wait` has no `child-run-resume` after it. */
export function openChildWaits(events: readonly RunEvent[]): Map<string, string> {
  const open = new Map<string, string>();
  for (const e of events)
    if (e.type === "child-run-wait") open.set(e.childRunId, e.stepId);
    else if (e.type === "child-run-resume") open.delete(e.childRunId);
  return open;
}

/**
 * The child `childRunId` stopped waiting: lift its parent's wait on it (the parent goes `pending`, so a
 * worker or `quorum resume` continues it), then its grandparent's, and so on. A no-op when the child
 * still waits, has no parent, or its parent does not wait on it.
 */
export async function wakeParent(deps: Deps, childRunId: string): Promise<void> {
  const child = await deps.store.getRun(childRunId);
  if (!child || !childDue(child, deps.now())) return;
  const parentRef = (await loadPinned(deps, child.definitionHash)).parent;
  if (!parentRef) return;
  for (let tries = 0; tries < 10; tries++) {
    const parent = await deps.store.getRun(parentRef.runId);
    if (!parent || terminal(parent.status)) return;
    const events = (await deps.store.readEvents(parent.id)).map((e) => e.event);
    const stepId = openChildWaits(events).get(childRunId);
    if (stepId === undefined) return;
    const resume: ChildRunResumeEvent = {
      type: "child-run-resume",
      stepId,
      childRunId,
      childStatus: child.status,
    };
    try {
      await deps.store.appendEvents(
        parent.id,
        parent.nextSeq,
        [resume],
        parent.status === "waiting" ? { status: "pending" } : {},
      );
    } catch (error) {
      if (error instanceof StoreConflictError) continue;
      throw error;
    }
    if (parent.status === "waiting") await wakeParent(deps, parent.id);
    return;
  }
  throw new Error(
    `run ${parentRef.runId} kept changing while waking it for child run ${childRunId}; resume it`,
  );
}

/**
 * When a parent's driver starts: resumes for the children it waits on that no longer wait (or whose
 * timer is due), in case whoever changed them crashed before waking the parent.
 */
export async function dueChildResumes(deps: Deps, index: RunIndex): Promise<ChildRunResumeEvent[]> {
  const resumes: ChildRunResumeEvent[] = [];
  for (const [childRunId, stepId] of index.childWaits) {
    const child = await deps.store.getRun(childRunId);
    if (!child || childDue(child, deps.now()))
      resumes.push({ type: "child-run-resume", stepId, childRunId, childStatus: child?.status ?? "missing" });
  }
  return resumes;
}

/** The earliest durable timer among the children this run waits on, so a worker claims the parent then. */
export async function childWakeAtMs(deps: Deps, index: RunIndex): Promise<number | undefined> {
  let earliest: number | undefined;
  for (const childRunId of index.childWaits.keys()) {
    const wakeAtMs = (await deps.store.getRun(childRunId))?.wakeAtMs;
    if (wakeAtMs !== undefined && (earliest === undefined || wakeAtMs < earliest)) earliest = wakeAtMs;
  }
  return earliest;
}

/**
 * The run to continue after acting on `runId`: its top-most ancestor still going, so the whole tree
 * moves on in one process (the parent's step drives the child in-process).
 */
export async function resumeRoot(deps: Deps, runId: string): Promise<string> {
  let current = runId;
  for (let depth = 0; depth < 32; depth++) {
    const run = await deps.store.getRun(current);
    if (!run) return current;
    const parent = (await loadPinned(deps, run.definitionHash)).parent;
    const parentRun = parent ? await deps.store.getRun(parent.runId) : undefined;
    if (!parentRun || terminal(parentRun.status)) return current;
    current = parentRun.id;
  }
  return current;
}
