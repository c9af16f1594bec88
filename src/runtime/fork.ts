/**
 * `quorum fork RUN --from STEP`: a new run pinned to the same definition that reuses everything
 * upstream of STEP — their journal events, recorded calls and documents are copied, not re-run —
 * and executes STEP and what follows. Inputs may be overridden for the steps that run again.
 */
import { engineGraph } from "../engine/index.js";
import { plan } from "../planner/index.js";
import type { JsonValue, RunEvent, RunRecord } from "../spec/index.js";
import { RunNotFoundError, WorkflowNotRunnableError } from "./errors.js";
import { loadPinned } from "./run-driver.js";
import type { Runtime } from "./runtime.js";

export async function forkRun(
  runtime: Runtime,
  runId: string,
  fromStep: string,
  inputOverrides: Record<string, JsonValue> = {},
  /** Create the new run leased to its driver (as `quorum run` does), so no worker takes it too. */
  lease?: { workerId: string; leaseMs: number },
  /** Override name → the file its value was read from, so a bad value names it. */
  inputFiles?: Record<string, string>,
): Promise<{ run: RunRecord; reusedSteps: string[] }> {
  const { store } = runtime.deps;
  const source = await store.getRun(runId);
  if (!source) throw new RunNotFoundError(runId);
  const pinned = await loadPinned(runtime.deps, source.definitionHash);
  const workflow = pinned.workflow;
  if (!workflow.steps.some((s) => s.id === fromStep))
    throw new WorkflowNotRunnableError(
      `run ${runId} has no step '${fromStep}'; its steps: ${workflow.steps.map((s) => s.id).join(", ")}`,
    );
  const graph = engineGraph(workflow, plan(workflow, { prices: {} }), pinned.routing ?? "arbiter");
  const upstream = new Set<string>();
  const stack = [...(graph.dependencies.get(fromStep) ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (upstream.has(id)) continue;
    upstream.add(id);
    stack.push(...(graph.dependencies.get(id) ?? []));
  }
  const events = (await store.readEvents(runId)).map((e) => e.event);
  const finished = new Set(
    events.flatMap((e) => (e.type === "step-end" || e.type === "step-skip" ? [e.stepId] : [])),
  );
  const missing = [...upstream].filter((id) => !finished.has(id));
  if (missing.length > 0)
    throw new WorkflowNotRunnableError(
      `cannot fork from '${fromStep}': upstream step(s) ${missing.join(", ")} did not finish in run ${runId}`,
    );
  const upstreamRequests = new Set(
    events.flatMap((e) => (e.type === "human-input-request" && upstream.has(e.stepId) ? [e.requestId] : [])),
  );
  const copied: RunEvent[] = events.filter((e) => {
    if (e.type === "human-input-response") return upstreamRequests.has(e.requestId);
    return "stepId" in e && upstream.has(e.stepId);
  });
  const run = await runtime.start(
    workflow,
    { ...(source.inputs as Record<string, JsonValue>), ...inputOverrides },
    {
      dryRun: pinned.dryRun,
      ...(pinned.routing ? { routing: pinned.routing } : {}),
      ...(pinned.children ? { children: pinned.children } : {}),
      ...(lease ? { lease } : {}),
      ...(inputFiles ? { inputFiles } : {}),
    },
  );
  await store.appendEvents(
    run.id,
    0,
    [
      {
        type: "run-start",
        workflowName: workflow.name,
        workflowHash: run.workflowHash,
        forkedFrom: { runId, reusedEvents: copied.length },
      },
      ...copied,
    ],
    {
      status: "pending",
    },
  );
  return { run: (await store.getRun(run.id)) ?? run, reusedSteps: [...upstream] };
}
