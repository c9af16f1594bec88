/**
 * The runtime's operations on runs: start (pinned to the exact definition), drive, answer,
 * approve or reject, cancel. Every change is an event appended to the run's journal, so any
 * process can pick a run up where another left it.
 */
import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { loadWorkflow } from "../definition/index.js";
import type { RoutingMode } from "../engine/index.js";
import { StoreConflictError } from "../errors/index.js";
import { builtinCatalog } from "../models/catalog/index.js";
import type { JsonValue, RunRecord, Workflow } from "../spec/index.js";
import { checkAgentTools } from "./check-tools.js";
import { throughChild } from "./child-requests.js";
import { resumeRoot, wakeParent } from "./child-waits.js";
import { type PinnedChild, pinChildren, type WorkflowLoader } from "./children.js";
import { RunNotFoundError, WorkflowNotRunnableError } from "./errors.js";
import { resolveInputs } from "./inputs.js";
import { driveRun, type PinnedDefinition } from "./run-driver.js";
import type { DriveOutcome, RuntimeDeps } from "./types.js";

export interface StartOptions {
  id?: string;
  priority?: number;
  /** Run every model call through the schema-driven stub; the run stays a dry run for good. */
  dryRun?: boolean;
  /** The run fails if it has not finished this long after it starts. */
  deadlineMs?: number;
  /** Create the run leased to this worker (see `NewRun.lease`). */
  lease?: { workerId: string; leaseMs: number };
  /**
   * `static` runs every arbiter route's steps once in plan order with no arbiter model call (the
   * seeds' orchestration flag off); `arbiter` (default) lets each arbiter choose routes at run time.
   */
  routing?: RoutingMode;
  /** Sub-workflows already pinned (replay, fork); otherwise they are loaded from their files now. */
  children?: Record<string, PinnedChild>;
  /** Input name → the file its value was read from (`--input name=@file`), so a bad value names it. */
  inputFiles?: Record<string, string>;
}

export class Runtime {
  constructor(readonly deps: RuntimeDeps) {}

  /** Create a run pinned to `workflow` (its prompts and schemas are inside it). Throws on bad inputs. */
  async start(
    workflow: Workflow,
    given: Record<string, JsonValue>,
    options: StartOptions = {},
  ): Promise<RunRecord> {
    const missing = [...new Set(workflow.steps.map((s) => s.kind))].filter((k) => !this.deps.executors[k]);
    if (missing.length > 0)
      throw new WorkflowNotRunnableError(
        `this version of quorum cannot run ${missing.map((k) => `'${k}'`).join(", ")} steps yet (they validate and plan, but have no executor); remove them or wait for a release that runs them`,
      );
    const { inputs, problems } = resolveInputs(workflow, given, options.inputFiles);
    if (problems.length > 0) throw new WorkflowNotRunnableError(problems.join("\n"));
    if (options.dryRun && !this.deps.dryRunModels)
      throw new Error("a dry run needs RuntimeDeps.dryRunModels");
    const absolute = { ...workflow, source: { ...workflow.source, file: resolve(workflow.source.file) } };
    const children = options.children ?? pinChildren(absolute, this.deps.loadWorkflow ?? defaultLoader);
    if (!options.dryRun) await checkAgentTools(workflow, this.deps);
    const pinned: PinnedDefinition = {
      workflow: absolute,
      ...(children ? { children } : {}),
      dryRun: options.dryRun ?? false,
      ...(options.routing === "static" ? { routing: "static" as const } : {}),
      ...(options.deadlineMs !== undefined ? { deadlineAtMs: this.deps.now() + options.deadlineMs } : {}),
    };
    return this.deps.store.createRun({
      id: options.id ?? newRunId(this.deps.now()),
      workflowName: workflow.name,
      workflowHash: workflow.source.hash,
      definition: Buffer.from(JSON.stringify(pinned), "utf8"),
      inputs,
      ...(options.priority !== undefined ? { priority: options.priority } : {}),
      ...(options.lease ? { lease: options.lease } : {}),
    });
  }

  drive(runId: string, signal?: AbortSignal): Promise<DriveOutcome> {
    return driveRun(this.deps, runId, signal);
  }

  /**
   * Answer the open request of `stepId` (clarification or approval). Answering twice is harmless.
   * A step with several open requests at once (a `map` whose items ask) needs `requestId`: each
   * request is answered on its own, and a second answer to the same request changes nothing.
   */
  async respond(
    runId: string,
    stepId: string,
    response: JsonValue,
    respondedBy?: string,
    requestId?: string,
  ): Promise<"recorded" | "already-answered"> {
    // A workflow step waiting on its child: the answer goes to the child's open request.
    const child = await throughChild(this.deps, runId, stepId, requestId);
    if (child?.answered) return "already-answered";
    if (child) return this.respond(child.runId, child.stepId, response, respondedBy, requestId);
    for (let tries = 0; tries < 5; tries++) {
      const run = await this.requireRun(runId);
      const events = await this.deps.store.readEvents(runId);
      const answered = new Set(
        events.flatMap((e) => (e.event.type === "human-input-response" ? [e.event.requestId] : [])),
      );
      if (requestId !== undefined && answered.has(requestId)) return "already-answered";
      const open = events.filter(
        (e) =>
          e.event.type === "human-input-request" &&
          e.event.stepId === stepId &&
          !answered.has(e.event.requestId) &&
          (requestId === undefined || e.event.requestId === requestId),
      );
      if (open.length > 1)
        throw new WorkflowNotRunnableError(
          `step '${stepId}' of run ${runId} has ${open.length} open requests (${open.map((e) => (e.event as { requestId: string }).requestId).join(", ")}); answer one at a time with --request <id> (see 'quorum inbox')`,
        );
      if (open.length === 0) {
        if (requestId !== undefined)
          throw new WorkflowNotRunnableError(
            `run ${runId} has no request '${requestId}' for step '${stepId}'; see 'quorum inbox' for open requests`,
          );
        const anyRequest = events.some(
          (e) => e.event.type === "human-input-request" && e.event.stepId === stepId,
        );
        if (anyRequest) return "already-answered";
        throw new WorkflowNotRunnableError(
          `step '${stepId}' of run ${runId} is not waiting for input; see 'quorum inbox'`,
        );
      }
      const request = open[open.length - 1]!.event as { requestId: string };
      try {
        await this.deps.store.appendEvents(
          runId,
          run.nextSeq,
          [
            {
              type: "human-input-response",
              requestId: request.requestId,
              response,
              ...(respondedBy ? { respondedBy } : {}),
            },
          ],
          run.status === "waiting" ? { status: "pending" } : {},
        );
        // A child run answered: its parent (and theirs) stop waiting on it.
        await wakeParent(this.deps, runId);
        return "recorded";
      } catch (error) {
        if (!(error instanceof StoreConflictError)) throw error;
      }
    }
    throw new Error(`run ${runId} kept changing while recording the answer; try again`);
  }

  /** Cancel a run: journaled at once; a process driving it aborts its in-flight calls. */
  async cancel(runId: string): Promise<"cancelled" | "already-finished"> {
    for (let tries = 0; tries < 10; tries++) {
      const run = await this.requireRun(runId);
      if (["succeeded", "failed", "cancelled"].includes(run.status)) return "already-finished";
      try {
        await this.deps.store.appendEvents(runId, run.nextSeq, [{ type: "run-end", status: "cancelled" }], {
          status: "cancelled",
        });
        await this.cancelChildren(runId);
        await wakeParent(this.deps, runId);
        return "cancelled";
      } catch (error) {
        if (!(error instanceof StoreConflictError)) throw error;
      }
    }
    throw new Error(`run ${runId} kept changing while cancelling; try again`);
  }

  /**
   * Children a cancelled run waited on have no process driving them: cancel them here (a child being
   * driven in-process is cancelled by its parent's driver). Recursive through `cancel`.
   */
  private async cancelChildren(runId: string): Promise<void> {
    const events = (await this.deps.store.readEvents(runId)).map((e) => e.event);
    const children = new Set(events.flatMap((e) => (e.type === "child-run-wait" ? [e.childRunId] : [])));
    for (const childRunId of children)
      if (await this.deps.store.getRun(childRunId)) await this.cancel(childRunId);
  }

  /** The run to continue after acting on `runId`: its top-most unfinished ancestor (or itself). */
  resumeRoot(runId: string): Promise<string> {
    return resumeRoot(this.deps, runId);
  }

  async requireRun(runId: string): Promise<RunRecord> {
    const run = await this.deps.store.getRun(runId);
    if (!run) throw new RunNotFoundError(runId);
    return run;
  }
}

const defaultLoader: WorkflowLoader = (file) => {
  const loaded = loadWorkflow(file, { catalog: builtinCatalog() });
  return {
    ...(loaded.workflow ? { workflow: loaded.workflow } : {}),
    problems: loaded.issues.filter((i) => i.severity === "error").map((i) => `${i.code} ${i.message}`),
  };
};

/** Sortable, readable run ids: time first, then randomness. */
export function newRunId(nowMs: number): string {
  return `run_${nowMs.toString(36)}_${randomUUID().slice(0, 8)}`;
}
