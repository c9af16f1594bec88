/**
 * Drives one run: folds its journal into engine state, executes the engine's commands, and appends
 * what happens. Steps start the moment their own inputs are ready; many run at once. After a crash
 * the same function resumes the run: steps that were in flight run again with the same attempt,
 * and every call already recorded in the journal is answered from it, never repeated.
 */
import { setMaxListeners } from "node:events";
import {
  apply,
  decide,
  type EngineGraph,
  engineGraph,
  inFlightSteps,
  initialState,
} from "../engine/index.js";
import { StoreConflictError } from "../errors/index.js";
import { plan as planWorkflow } from "../planner/index.js";
import type { RunEvent } from "../spec/index.js";
import { childWakeAtMs, dueChildResumes, wakeParent } from "./child-waits.js";
import { RunBusyError, RunNotFoundError } from "./errors.js";
import { executeStep } from "./execute-step.js";
import { dueExpiries, nextExpiryMs } from "./expiry.js";
import { JournalWriter } from "./journal-writer.js";
import { loadPinned } from "./pinned.js";
import { RunIndex } from "./run-index.js";
import type { DriveOutcome, PinnedDefinition, RuntimeDeps } from "./types.js";

export { loadPinned, loadPinnedWorkflow } from "./pinned.js";
export type { PinnedDefinition } from "./types.js";

import { sleepUnlessAborted as sleep } from "./sleep.js";
import { Wakeup } from "./wakeup.js";

export async function driveRun(
  deps: RuntimeDeps,
  runId: string,
  signal?: AbortSignal,
): Promise<DriveOutcome> {
  const seen = { child: false };
  const outcome = await driveJournal(deps, runId, seen, signal);
  // A child run that ended wakes the parent step waiting on it. Only children look: other runs would
  // pay a store read at every end for nothing.
  if (seen.child && outcome !== "waiting" && outcome !== "interrupted") await wakeParent(deps, runId);
  return outcome;
}

/** The engine graph of a pinned definition: derived once per definition (both are immutable). */
const graphs = new WeakMap<PinnedDefinition, EngineGraph>();
function graphOf(pinned: PinnedDefinition): EngineGraph {
  let graph = graphs.get(pinned);
  if (!graph) {
    graph = engineGraph(
      pinned.workflow,
      planWorkflow(pinned.workflow, { prices: {} }),
      pinned.routing ?? "arbiter",
    );
    graphs.set(pinned, graph);
  }
  return graph;
}

async function driveJournal(
  deps: RuntimeDeps,
  runId: string,
  /** Set once the pinned definition says this run is a child run. */
  seen: { child: boolean },
  signal?: AbortSignal,
): Promise<DriveOutcome> {
  const { store } = deps;
  const run = await store.getRun(runId);
  if (!run) throw new RunNotFoundError(runId);
  const pinned = await loadPinned(deps, run.definitionHash);
  seen.child = pinned.parent !== undefined;
  const workflow = pinned.workflow;
  // A dry run stays a dry run whoever resumes it: it never switches to real models, nor back.
  const models = pinned.dryRun ? deps.dryRunModels : deps.models;
  if (!models) throw new Error(`run ${runId} is a dry run; resume it with --dry-run`);
  const graph = graphOf(pinned);
  const state = initialState(graph);
  const index = new RunIndex();
  index.inputs = run.inputs as Record<string, unknown>;
  const entries = await store.readEvents(runId);
  for (const entry of entries) {
    apply(state, entry.event, graph);
    index.add(entry.event);
  }
  const resumed = inFlightSteps(state);
  deps.onDriveStart?.(
    runId,
    entries,
    resumed.map((step) => ({ stepId: step.id, attempt: step.attempt })),
  );
  if (state.runStatus !== "running") return state.runStatus;

  const writer = new JournalWriter(
    store,
    runId,
    run.nextSeq,
    (events: readonly RunEvent[]) => {
      for (const event of events) {
        apply(state, event, graph);
        index.add(event);
      }
    },
    (events: readonly RunEvent[]) => {
      if (deps.onEvent) for (const event of events) deps.onEvent(runId, event);
    },
  );
  const controller = new AbortController();
  // Every in-flight call listens on this signal; a wide run legitimately has hundreds of listeners.
  setMaxListeners(0, controller.signal);
  const abort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", abort, { once: true });
  const watcher = setInterval(() => {
    store.getRun(runId).then(
      (r) => {
        if (r?.status === "cancelled") controller.abort(new Error("run cancelled"));
      },
      () => undefined,
    );
  }, deps.cancelPollMs ?? 250);
  watcher.unref?.();

  const inFlight = new Map<string, Promise<void>>();
  const timers = new Map<string, Promise<void>>();
  const wakeup = new Wakeup();
  const fatal: { failed: boolean; error?: unknown } = { failed: false };
  controller.signal.addEventListener("abort", wakeup.wake, { once: true });
  const acquire = () =>
    deps.slots
      ? deps.slots.acquire(run.priority, controller.signal, runId)
      : Promise.resolve(() => undefined);
  /** `after`: a less urgent step begins once that settles (the next turn); see `launchAll`. */
  const launch = (stepId: string, attempt: number, round: number, after?: Promise<void>) => {
    const slot = after ? after.then(acquire) : acquire();
    const task = slot
      .then((release) =>
        executeStep(
          {
            deps,
            models,
            dryRun: pinned.dryRun,
            routing: pinned.routing ?? "arbiter",
            pinned,
            drive: driveRun,
            runId,
            workflow,
            state,
            index,
            writer,
            signal: controller.signal,
          },
          stepId,
          attempt,
          round,
        ).finally(release),
      )
      .catch((error: unknown) => {
        // A step's own failures are journaled by executeStep; what escapes it is the store failing
        // (disk full, database gone) or a bug. Either way the run cannot go on here: stop and say why.
        if (!fatal.failed) Object.assign(fatal, { failed: true, error });
        deps.onInternalError?.(runId, error);
      })
      .finally(() => {
        inFlight.delete(stepId);
        wakeup.wake();
      });
    inFlight.set(stepId, task);
  };
  /**
   * Steps that became ready together: the most urgent (the plan's earliest latest start) begin now,
   * the others in the next turn of the event loop. Setting up a step (its data, prompt, route and
   * call key) is JavaScript on the one thread, and the urgent step's first call leaves only once its
   * start commits; setting up the ones with slack first would keep the critical path waiting for
   * them (measured in docs/performance.md, session 6). Equal urgency (a fan-out of alike steps) all
   * begin now, as before.
   */
  const launchAll = (starts: ReadonlyArray<{ stepId: string; attempt: number; round: number }>) => {
    const urgency = (id: string) => graph.latestStartMs.get(id) ?? 0;
    let most = Number.POSITIVE_INFINITY;
    for (const s of starts) most = Math.min(most, urgency(s.stepId));
    let nextTurn: Promise<void> | undefined;
    for (const s of starts) {
      if (urgency(s.stepId) <= most) {
        launch(s.stepId, s.attempt, s.round);
        continue;
      }
      nextTurn ??= new Promise((go) => setImmediate(go));
      launch(s.stepId, s.attempt, s.round, nextTurn);
    }
  };

  try {
    // Queued, not awaited: it commits (with its status change) before anything appended after it, and
    // nothing outside the process has happened yet, so the first step need not wait for it.
    if (entries.length === 0)
      writer
        .append([{ type: "run-start", workflowName: workflow.name, workflowHash: run.workflowHash }], {
          status: "running",
        })
        .catch(() => undefined);
    else if (run.status !== "running") await store.updateRunStatus(runId, ["pending", "waiting"], "running");
    // Requests to a person whose time ran out get their default answer now (an approval's onTimeout).
    const expired = dueExpiries(index, state, deps.now());
    if (expired.length > 0) await writer.append(expired);
    // Children this run waits on that stopped waiting while nobody woke it (a crash in between).
    const childResumes = await dueChildResumes(deps, index);
    if (childResumes.length > 0) await writer.append(childResumes);
    launchAll(resumed.map((step) => ({ stepId: step.id, attempt: step.attempt, round: step.round })));

    const deadlineAtMs = pinned.deadlineAtMs;
    if (deadlineAtMs !== undefined)
      sleep(Math.max(0, deadlineAtMs - deps.now()), controller.signal).then(wakeup.wake, wakeup.wake);
    for (;;) {
      if (fatal.failed) throw fatal.error;
      if (controller.signal.aborted) return await settleAborted(deps, runId, inFlight);
      if (deadlineAtMs !== undefined && deps.now() >= deadlineAtMs) {
        await writer.drain();
        await writer.append(
          [
            {
              type: "run-end",
              status: "failed",
              error: {
                name: "DeadlineExceeded",
                message: `the run's deadline (${new Date(deadlineAtMs).toISOString()}) passed`,
              },
            },
          ],
          { status: "failed" },
        );
        controller.abort(new Error("deadline exceeded"));
        await Promise.allSettled(inFlight.values());
        return "failed";
      }
      const limit = deps.maxConcurrentSteps ?? 16;
      const free = Math.max(0, limit - inFlight.size);
      const commands = decide(state, graph, free);
      const starts: Array<{ stepId: string; attempt: number; round: number }> = [];
      let progressed = false;
      /** Start and resume commands `decide` counted against `free` (a retry still to wait for is not). */
      let counted = 0;
      for (const command of commands) {
        if (
          command.type === "resume-step" ||
          (command.type === "start-step" && command.notBeforeMs === undefined)
        )
          counted++;
        if (command.type === "finish-run") {
          await writer.append(
            [
              {
                type: "run-end",
                status: command.status,
                ...(command.reason ? { error: { name: "StepFailed", message: command.reason } } : {}),
              },
            ],
            {
              status: command.status,
            },
          );
          return command.status;
        }
        if (command.type === "skip-step") {
          await writer.append([{ type: "step-skip", stepId: command.stepId, reason: command.reason }]);
          progressed = true;
          continue;
        }
        if (inFlight.has(command.stepId) || timers.has(command.stepId)) continue;
        const waitMs =
          command.type === "start-step" && command.notBeforeMs !== undefined
            ? command.notBeforeMs - deps.now()
            : 0;
        if (waitMs > 0) {
          const timer = sleep(waitMs, controller.signal)
            .catch(() => undefined)
            .finally(() => {
              timers.delete(command.stepId);
              wakeup.wake();
            });
          timers.set(command.stepId, timer);
          continue;
        }
        if (inFlight.size + starts.length >= limit) continue;
        starts.push({ stepId: command.stepId, attempt: command.attempt, round: command.round });
      }
      if (starts.length > 0) {
        // Queued, not awaited: the step's first durable act (a call's start, its end or a skip) commits
        // after it in the same ordered writer, and a start lost in a crash only means attempt 1 again.
        writer.record(
          starts.map((s) => ({ type: "step-start" as const, stepId: s.stepId, attempt: s.attempt })),
        );
        launchAll(starts);
        // Decide again at once only if this decision may have stopped short of the schedule's end (it
        // reached `free`). Otherwise it saw every pending step, and starting some changed nothing the
        // others wait on (a started step is not done): deciding again would give the same commands,
        // skipped for the same reasons (in flight, timer set, no slot). A long chain decided twice per step.
        if (counted >= free) progressed = true;
      }
      if (progressed) continue;
      if (inFlight.size === 0 && timers.size === 0) {
        await writer.drain();
        // An answer (or a child's wake-up) appended by another process while this one ran: go on here.
        if (writer.failure === undefined && (await writer.adoptForeign())) continue;
        if ([...state.steps.values()].some((s) => s.status === "waiting")) {
          // Deadlines and expiring requests are durable timers: at the earliest, a worker claims the
          // waiting run again (and fails it, or records the request's default answer).
          const wakeAtMs = earliest(
            deadlineAtMs,
            nextExpiryMs(index, state),
            await childWakeAtMs(deps, index),
          );
          await store.updateRunStatus(
            runId,
            "running",
            "waiting",
            // null clears a timer that already fired, so a worker does not claim the run again for it.
            { wakeAtMs: wakeAtMs ?? null },
          );
          await unlessWokenMeanwhile(deps, runId, state.eventCount);
          return "waiting";
        }
        if (decide(state, graph).length > 0) continue;
        throw new Error(
          `run ${runId} cannot make progress (engine returned no command and nothing is in flight)`,
        );
      }
      await wakeup.wait();
      if (writer.failure !== undefined) throw writer.failure;
      if (fatal.failed) throw fatal.error;
    }
  } catch (error) {
    if (error instanceof StoreConflictError) {
      const current = await store.getRun(runId);
      if (current?.status === "cancelled") return await settleAborted(deps, runId, inFlight, controller);
      // Another process appended first: it is driving this run. Stop here; nothing journaled is lost.
      controller.abort(error);
      await Promise.allSettled(inFlight.values());
      throw new RunBusyError(runId);
    }
    controller.abort(error);
    await Promise.allSettled(inFlight.values());
    // What the other steps queued before they settled (a call's end, paid for) commits now, or fails
    // with the store: never after this drive has returned, where a resume would find the journal
    // moving under it and stop as if another process drove the run.
    await writer.drain();
    throw error;
  } finally {
    clearInterval(watcher);
    signal?.removeEventListener("abort", abort);
  }
}

async function settleAborted(
  deps: RuntimeDeps,
  runId: string,
  inFlight: Map<string, Promise<void>>,
  controller?: AbortController,
): Promise<DriveOutcome> {
  controller?.abort(new Error("run cancelled"));
  await Promise.allSettled(inFlight.values());
  const run = await deps.store.getRun(runId);
  return run?.status === "cancelled" ? "cancelled" : "interrupted";
}

function earliest(...times: Array<number | undefined>): number | undefined {
  const known = times.filter((t): t is number => t !== undefined);
  return known.length > 0 ? Math.min(...known) : undefined;
}

/**
 * An answer or a child's wake-up appended while this driver was settling into `waiting` found the run
 * still `running` and so left its status alone: put it back to `pending` so it is not left waiting for
 * something that already happened.
 */
async function unlessWokenMeanwhile(deps: RuntimeDeps, runId: string, seenEvents: number): Promise<void> {
  const run = await deps.store.getRun(runId);
  if (run?.status !== "waiting" || run.nextSeq === seenEvents) return;
  try {
    await deps.store.updateRunStatus(runId, "waiting", "pending", { wakeAtMs: null });
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
  }
}
