/**
 * Child runs for `workflow` steps. A step attempt's child has a deterministic id (parent run,
 * step, round, attempt), so an attempt re-executed after a crash finds the child it already
 * created and resumes it: never two children for one attempt. The child is a normal run in the
 * same store, pinned to the sub-workflow its parent pinned, with the parent link inside its pinned
 * definition; the parent step drives it in-process until it ends. A child waiting for a person makes
 * the step wait (`child-run-wait`, see child-waits.ts); answered, it is driven again by the same step
 * attempt. When the parent is cancelled, so is the child.
 */
import { StoreConflictError } from "../errors/index.js";
import type { DocumentVersionRecord, JsonValue, RunRecord, Step } from "../spec/index.js";
import type { ChildRunResult } from "../steps/types.js";
import { childDue } from "./child-waits.js";
import { documentText } from "./document-text.js";
import { RunBusyError } from "./errors.js";
import { resolveInputs } from "./inputs.js";
import { sleepUnlessAborted as sleep } from "./sleep.js";
import type { PinnedDefinition, RunScope } from "./types.js";

const pollMs = 250;

export const childRunId = (parentRunId: string, stepId: string, round: number, attempt: number) =>
  `${parentRunId}.${stepId}.r${round}a${attempt}`;

export async function runChild(
  scope: RunScope,
  step: Step,
  attempt: number,
  round: number,
  given: Record<string, JsonValue>,
): Promise<ChildRunResult> {
  const { store } = scope.deps;
  const id = childRunId(scope.runId, step.id, round, attempt);
  let child = await store.getRun(id);
  if (!child) {
    const pinnedChild = scope.pinned.children?.[step.id];
    if (!pinnedChild)
      return {
        type: "invalid",
        runId: id,
        problems: [`the sub-workflow of step '${step.id}' was not pinned when the run started`],
      };
    const { inputs, problems } = resolveInputs(pinnedChild.workflow, given);
    if (problems.length > 0) return { type: "invalid", runId: id, problems };
    const definition: PinnedDefinition = {
      workflow: pinnedChild.workflow,
      dryRun: scope.pinned.dryRun,
      ...(scope.pinned.routing ? { routing: scope.pinned.routing } : {}),
      ...(scope.pinned.deadlineAtMs !== undefined ? { deadlineAtMs: scope.pinned.deadlineAtMs } : {}),
      ...(pinnedChild.children ? { children: pinnedChild.children } : {}),
      parent: { runId: scope.runId, stepId: step.id, attempt, round },
    };
    const parent = await store.getRun(scope.runId);
    try {
      child = await store.createRun({
        id,
        workflowName: pinnedChild.workflow.name,
        workflowHash: pinnedChild.workflow.source.hash,
        definition: Buffer.from(JSON.stringify(definition), "utf8"),
        inputs,
        ...(parent ? { priority: parent.priority } : {}),
      });
    } catch (error) {
      // Another process re-executing the same attempt created it first: use that one.
      child = await store.getRun(id);
      if (!child) throw error;
    }
  }
  let drove = false;
  for (;;) {
    if (scope.signal.aborted) {
      await cancelWithParent(scope, id);
      throw scope.signal.reason ?? new Error("aborted");
    }
    // A waiting child is driven once anyway when its timer is due (it records a timeout's answer).
    const ended =
      child!.status === "waiting" && (drove || !childDue(child!, scope.deps.now()))
        ? await waitOnChild(scope, step, attempt, id)
        : await finished(scope, child!);
    if (ended) return ended;
    drove = true;
    try {
      await scope.drive(scope.deps, id, scope.signal);
    } catch (error) {
      if (!(error instanceof RunBusyError)) throw error;
      await sleep(pollMs, scope.signal); // another process drives the child: wait for it
    }
    child = await store.getRun(id);
  }
}

async function finished(scope: RunScope, child: RunRecord): Promise<ChildRunResult | undefined> {
  switch (child.status) {
    case "succeeded":
      return { type: "succeeded", runId: child.id, documents: await latestDocuments(scope, child.id) };
    case "failed":
    case "cancelled": {
      const events = await scope.deps.store.readEvents(child.id);
      const end = events.findLast((e) => e.event.type === "run-end")?.event;
      const reason = end?.type === "run-end" ? end.error?.message : undefined;
      const rejected = events.some(
        (e) => e.event.type === "step-error" && !e.event.willRetry && e.event.error.name === "Rejected",
      );
      return {
        type: child.status,
        runId: child.id,
        ...(reason ? { reason } : {}),
        ...(rejected ? { rejected } : {}),
      };
    }
    case "waiting":
    case "pending":
    case "running":
      return undefined;
  }
}

async function latestDocuments(scope: RunScope, runId: string): Promise<Record<string, string>> {
  const latest = new Map<string, DocumentVersionRecord>();
  for (const v of await scope.deps.store.listDocumentVersions(runId))
    if ((latest.get(v.documentId)?.version ?? 0) < v.version) latest.set(v.documentId, v);
  const documents: Record<string, string> = {};
  for (const [documentId, v] of latest) {
    const text = await documentText(scope.writer, v);
    if (text !== undefined) documents[documentId] = text;
  }
  return documents;
}

/**
 * The child waits for a person: so does this step. The wait is durable before the parent can go
 * `waiting`; a child answered in between is caught by looking again right after.
 */
async function waitOnChild(
  scope: RunScope,
  step: Step,
  attempt: number,
  childRunId: string,
): Promise<ChildRunResult> {
  await scope.writer.append([{ type: "child-run-wait", stepId: step.id, attempt, childRunId }]);
  const now = await scope.deps.store.getRun(childRunId);
  if (now && now.status !== "waiting")
    await scope.writer.append([
      { type: "child-run-resume", stepId: step.id, childRunId, childStatus: now.status },
    ]);
  return { type: "waiting", runId: childRunId };
}

/** The parent was cancelled (not merely stopped by its process): cancel the child too. */
async function cancelWithParent(scope: RunScope, childId: string): Promise<void> {
  const { store } = scope.deps;
  if ((await store.getRun(scope.runId))?.status !== "cancelled") return;
  for (let tries = 0; tries < 10; tries++) {
    const child = await store.getRun(childId);
    if (!child || ["succeeded", "failed", "cancelled"].includes(child.status)) return;
    try {
      await store.appendEvents(childId, child.nextSeq, [{ type: "run-end", status: "cancelled" }], {
        status: "cancelled",
      });
      return;
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
    }
  }
}
