/**
 * Addressing a child's request through its parent: `quorum answer PARENT STEP`, where STEP is a
 * `workflow` step waiting on its child run, answers the child's open request (down any depth of
 * nesting). The child's own address (`quorum answer CHILD CHILD-STEP`) always works too; this only
 * saves looking the child up. Ambiguity (the child waits on several requests) is an error naming them.
 */
import type { HumanInputRequestEvent, RunEvent } from "../spec/index.js";
import { openChildWaits } from "./child-waits.js";
import { WorkflowNotRunnableError } from "./errors.js";
import type { RuntimeDeps } from "./types.js";

export interface RequestAddress {
  runId: string;
  stepId: string;
  /** Nothing is open on the child any more: the request was answered already. */
  answered: boolean;
}

/** Where an answer to (`runId`, `stepId`) must go; `undefined`: to the run itself, as addressed. */
export async function throughChild(
  deps: Pick<RuntimeDeps, "store">,
  runId: string,
  stepId: string,
  requestId: string | undefined,
  depth = 0,
): Promise<RequestAddress | undefined> {
  const events = (await deps.store.readEvents(runId)).map((e) => e.event);
  if (events.some((e) => e.type === "human-input-request" && e.stepId === stepId)) return undefined;
  const waited = events.filter((e) => e.type === "child-run-wait" && e.stepId === stepId);
  const childRunId = (waited.at(-1) as { childRunId: string } | undefined)?.childRunId;
  if (childRunId === undefined || depth > 16) return undefined;
  const childEvents = (await deps.store.readEvents(childRunId)).map((e) => e.event);
  const open = openHuman(childEvents).filter((r) => requestId === undefined || r.requestId === requestId);
  const nested = [...openChildWaits(childEvents)];
  if (open.length === 1) return { runId: childRunId, stepId: open[0]!.stepId, answered: false };
  if (open.length === 0 && nested.length === 1)
    return (
      (await throughChild(deps, childRunId, nested[0]![1], requestId, depth + 1)) ?? {
        runId: childRunId,
        stepId: nested[0]![1],
        answered: false,
      }
    );
  if (open.length === 0 && nested.length === 0) return { runId: childRunId, stepId, answered: true };
  const listed = open.map((r) => `${r.stepId} (request ${r.requestId})`).join(", ");
  throw new WorkflowNotRunnableError(
    `step '${stepId}' of run ${runId} waits on child run ${childRunId}, which has several open requests: ${listed || nested.map(([id, s]) => `${s} (child run ${id})`).join(", ")}; answer the child directly: 'quorum answer|approve|reject ${childRunId} <step> [--request <id>]' (see 'quorum inbox')`,
  );
}

function openHuman(events: readonly RunEvent[]): HumanInputRequestEvent[] {
  const open = new Map<string, HumanInputRequestEvent>();
  for (const e of events)
    if (e.type === "human-input-request") open.set(e.requestId, e);
    else if (e.type === "human-input-response") open.delete(e.requestId);
  return [...open.values()];
}
