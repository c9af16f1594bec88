/**
 * What `quorum replay` answers from: the recorded calls, human answers and routing decisions of a run
 * and of every child run its `workflow` steps started (down any depth), each kept per run id. Child ids
 * are deterministic (parent, step, round, attempt), so the replay — which reuses the original run id on
 * its scratch store — creates children with the very same ids and finds their records.
 */
import { apply, engineGraph, initialState } from "../engine/index.js";
import { plan } from "../planner/index.js";
import type {
  HumanInputResponseEvent,
  ModelCallEndEvent,
  RouteDecisionEvent,
  RunRecord,
  Store,
  ToolCallEndEvent,
} from "../spec/index.js";
import { childRunId } from "./child-run.js";
import { loadPinned } from "./pinned.js";

export interface RunRecords {
  run: RunRecord;
  calls: Map<string, ModelCallEndEvent>;
  responses: Map<string, HumanInputResponseEvent>;
  decisions: Map<string, RouteDecisionEvent>;
}

/** The records of `runId` and of its descendants, by run id (the root first). */
export async function collectRecords(
  source: Store,
  root: RunRecord,
): Promise<{ runs: Map<string, RunRecords>; toolEnds: Map<string, ToolCallEndEvent> }> {
  const runs = new Map<string, RunRecords>();
  const toolEnds = new Map<string, ToolCallEndEvent>();
  const queue: RunRecord[] = [root];
  while (queue.length > 0) {
    const run = queue.shift()!;
    if (runs.has(run.id)) continue;
    const records: RunRecords = { run, calls: new Map(), responses: new Map(), decisions: new Map() };
    runs.set(run.id, records);
    const pinned = await loadPinned({ store: source }, run.definitionHash);
    const workflow = pinned.workflow;
    const calling = new Set(workflow.steps.filter((s) => s.kind === "workflow").map((s) => s.id));
    const graph = engineGraph(workflow, plan(workflow, { prices: {} }), pinned.routing ?? "arbiter");
    const state = initialState(graph);
    const childIds = new Set<string>();
    for (const { event } of await source.readEvents(run.id)) {
      apply(state, event, graph);
      if (event.type === "step-start" && calling.has(event.stepId))
        childIds.add(childRunId(run.id, event.stepId, state.steps.get(event.stepId)!.round, event.attempt));
      if (event.type === "route-decision" && !records.decisions.has(event.decisionId))
        records.decisions.set(event.decisionId, event);
      if (event.type === "model-call-end") records.calls.set(event.callKey, event);
      // Tool call keys hash step, round, attempt, position and arguments: shared across the tree.
      if (event.type === "tool-call-end") toolEnds.set(event.callKey, event);
      if (event.type === "human-input-response" && !records.responses.has(event.requestId))
        records.responses.set(event.requestId, event);
    }
    for (const id of childIds) {
      const child = await source.getRun(id);
      if (child) queue.push(child);
    }
  }
  return { runs, toolEnds };
}
