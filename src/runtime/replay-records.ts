/**
 * What `quorum replay` answers from: the recorded calls, human answers and routing decisions of a run
 * and of every child run its `workflow` steps started (down any depth), each kept per run id. Child ids
 * are deterministic (parent, step, round, attempt), so the replay — which reuses the original run id on
 * its scratch store — creates children with the very same ids and finds their records (a fork's reused
 * `workflow` step is the exception, mapped to the child of the run it was forked from).
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
  /** The recorded run these records come from. */
  run: RunRecord;
  calls: Map<string, ModelCallEndEvent>;
  responses: Map<string, HumanInputResponseEvent>;
  decisions: Map<string, RouteDecisionEvent>;
}

/**
 * The records of `root` and of its descendants, by the run id the replay gives each (the root first).
 * That is the recorded id, except for a step a fork reused: its recorded child belongs to the run
 * forked from, and the replay's child (named after the fork) is answered from that one.
 */
export async function collectRecords(
  source: Store,
  root: RunRecord,
): Promise<{ runs: Map<string, RunRecords>; toolEnds: Map<string, ToolCallEndEvent> }> {
  const runs = new Map<string, RunRecords>();
  const toolEnds = new Map<string, ToolCallEndEvent>();
  const queue: Array<{ run: RunRecord; as: string }> = [{ run: root, as: root.id }];
  while (queue.length > 0) {
    const { run, as } = queue.shift()!;
    if (runs.has(as)) continue;
    const records: RunRecords = { run, calls: new Map(), responses: new Map(), decisions: new Map() };
    runs.set(as, records);
    const pinned = await loadPinned({ store: source }, run.definitionHash);
    const workflow = pinned.workflow;
    const calling = new Set(workflow.steps.filter((s) => s.kind === "workflow").map((s) => s.id));
    const graph = engineGraph(workflow, plan(workflow, { prices: {} }), pinned.routing ?? "arbiter");
    const state = initialState(graph);
    /** Child id the replay will use -> the recorded child it stands for. */
    const children = new Map<string, string>();
    const started = new Map<string, string>();
    for (const { event } of await source.readEvents(run.id)) {
      apply(state, event, graph);
      if (event.type === "step-start" && calling.has(event.stepId)) {
        const id = childRunId(as, event.stepId, state.steps.get(event.stepId)!.round, event.attempt);
        started.set(event.stepId, id);
        if (!children.has(id))
          children.set(
            id,
            childRunId(run.id, event.stepId, state.steps.get(event.stepId)!.round, event.attempt),
          );
      }
      const output =
        event.type === "step-end" ? (event.output as { childRunId?: unknown } | undefined) : undefined;
      if (event.type === "step-end" && typeof output?.childRunId === "string" && started.has(event.stepId))
        children.set(started.get(event.stepId)!, output.childRunId);
      if (event.type === "route-decision" && !records.decisions.has(event.decisionId))
        records.decisions.set(event.decisionId, event);
      if (event.type === "model-call-end") records.calls.set(event.callKey, event);
      // Tool call keys hash step, round, attempt, position and arguments: shared across the tree.
      if (event.type === "tool-call-end") toolEnds.set(event.callKey, event);
      if (event.type === "human-input-response" && !records.responses.has(event.requestId))
        records.responses.set(event.requestId, event);
    }
    for (const [id, recorded] of children) {
      const child = await source.getRun(recorded);
      if (child) queue.push({ run: child, as: id });
    }
  }
  return { runs, toolEnds };
}
