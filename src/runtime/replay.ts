/**
 * `quorum replay`: re-execute a recorded run from its journal, with zero live model calls, on a
 * scratch in-memory store, and check that it reproduces the same documents. Every model call is
 * answered by its journal key (tool calls too) and every human answer is given back at once; a call the journal
 * does not have means the run is not deterministic (or the engine changed), and is reported. Child runs
 * of `workflow` steps are replayed too, each from its own journal, and compared like the parent.
 */
import type { JsonValue, ModelClient, ModelResponse, RunRecord, Store } from "../spec/index.js";
import { RunNotFoundError } from "./errors.js";
import { loadPinned } from "./pinned.js";
import { readResult } from "./recorded-results.js";
import { collectRecords } from "./replay-records.js";
import { replayToolHost } from "./replay-tools.js";
import { Runtime } from "./runtime.js";
import type { DriveOutcome, RuntimeDeps } from "./types.js";

/** How one run of the replayed tree compares with its recording. */
export interface ReplayedRun {
  runId: string;
  /** The recorded child it was answered from, when not `runId` (a `workflow` step a fork reused). */
  recordedRunId?: string;
  originalStatus: string;
  /** Status the replay reached; `missing` when it never created this run. */
  outcome: string;
  documents: Array<{ documentId: string; version: number; identical: boolean }>;
  identical: boolean;
}

export interface ReplayReport {
  runId: string;
  originalStatus: string;
  outcome: DriveOutcome;
  callsAnsweredFromJournal: number;
  /** Calls the journal had no record of: each would have been a live call. */
  unrecordedCalls: number;
  documents: Array<{ documentId: string; version: number; identical: boolean }>;
  /**
   * Child runs of `workflow` steps (any depth), replayed from their own journals. A child the replay
   * created that the recording does not have has `originalStatus: "missing"`.
   */
  children: ReplayedRun[];
  /** Same outcome, no unrecorded call, every recorded document version reproduced byte for byte, children too. */
  identical: boolean;
}

export async function replayRun(
  source: Store,
  runId: string,
  scratch: Store,
  deps: Pick<RuntimeDeps, "executors" | "now">,
): Promise<ReplayReport> {
  const run = await source.getRun(runId);
  if (!run) throw new RunNotFoundError(runId);
  const pinned = await loadPinned({ store: source }, run.definitionHash);
  const { runs, toolEnds } = await collectRecords(source, run);
  let answered = 0;
  let unrecorded = 0;
  const fromJournal: ModelClient = {
    specificationVersion: "v1",
    async generate(_request, options): Promise<ModelResponse> {
      const key = options?.callKey;
      const owner = options?.context?.runId;
      const end =
        key === undefined
          ? undefined
          : owner !== undefined
            ? runs.get(owner)?.calls.get(key)
            : [...runs.values()].find((r) => r.calls.has(key))?.calls.get(key);
      if (!end) {
        unrecorded++;
        throw Object.assign(
          new Error("replay: this call is not in the journal (the run did not replay deterministically)"),
          {
            name: "ReplayDivergence",
            isRetryable: false,
          },
        );
      }
      answered++;
      if (end.outcome === "error")
        throw Object.assign(new Error(end.error?.message ?? "recorded failure"), {
          name: end.error?.name ?? "Error",
          isRetryable: end.error?.isRetryable ?? true,
        });
      return (await readResult(source, end, "model call")) as unknown as ModelResponse;
    },
  };
  const toolCounters = { answered: 0, unrecorded: 0 };
  const runtime = new Runtime({
    ...deps,
    store: scratch,
    models: fromJournal,
    tools: replayToolHost(source, toolEnds, toolCounters),
    dryRunModels: fromJournal,
    retryDelayMs: () => 0,
    recordedResponse: (requestId, id) => runs.get(id)?.responses.get(requestId),
    recordedDecision: (decisionId, id) => runs.get(id)?.decisions.get(decisionId),
  });
  // The same id as the recording (the scratch store is empty): child runs get the same ids too.
  const copy = await runtime.start(pinned.workflow, run.inputs as Record<string, JsonValue>, {
    id: run.id,
    dryRun: pinned.dryRun,
    ...(pinned.routing ? { routing: pinned.routing } : {}),
    ...(pinned.children ? { children: pinned.children } : {}),
  });
  const outcome = await runtime.drive(copy.id);
  const root = await compareRun(source, scratch, run, run.id);
  const children: ReplayedRun[] = [];
  for (const [id, records] of runs)
    if (id !== run.id) children.push(await compareRun(source, scratch, records.run, id));
  const replayedIds = (await scratch.listRuns({ limit: 10_000 })).runs.map((r) => r.id);
  for (const id of replayedIds)
    if (!runs.has(id)) {
      const extra = (await scratch.getRun(id))!;
      children.push({
        runId: id,
        originalStatus: "missing",
        outcome: extra.status,
        documents: [],
        identical: false,
      });
    }
  return {
    runId,
    originalStatus: run.status,
    outcome,
    callsAnsweredFromJournal: answered + toolCounters.answered,
    unrecordedCalls: unrecorded + toolCounters.unrecorded,
    documents: root.documents,
    children,
    identical:
      outcome === run.status &&
      unrecorded + toolCounters.unrecorded === 0 &&
      root.identical &&
      children.every((c) => c.identical),
  };
}

/** One run of the tree: same status, and every recorded document version reproduced, no extra one. */
async function compareRun(
  source: Store,
  scratch: Store,
  original: RunRecord,
  replayedId: string,
): Promise<ReplayedRun> {
  const replayedRun = await scratch.getRun(replayedId);
  const replayed = new Map(
    (await scratch.listDocumentVersions(replayedId)).map((d) => [`${d.documentId}@${d.version}`, d.blobHash]),
  );
  const documents = (await source.listDocumentVersions(original.id)).map((d) => ({
    documentId: d.documentId,
    version: d.version,
    identical: replayed.get(`${d.documentId}@${d.version}`) === d.blobHash,
  }));
  const outcome = replayedRun?.status ?? "missing";
  return {
    runId: replayedId,
    ...(replayedId !== original.id ? { recordedRunId: original.id } : {}),
    originalStatus: original.status,
    outcome,
    documents,
    identical:
      outcome === original.status &&
      documents.every((d) => d.identical) &&
      replayed.size === documents.length,
  };
}
