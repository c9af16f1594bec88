/**
 * `quorum replay`: re-execute a recorded run from its journal, with zero live model calls, on a
 * scratch in-memory store, and check that it reproduces the same documents. Every model call is
 * answered by its journal key (tool calls too) and every human answer is given back at once; a call the journal
 * does not have means the run is not deterministic (or the engine changed), and is reported.
 */
import type {
  HumanInputResponseEvent,
  JsonValue,
  ModelCallEndEvent,
  ModelClient,
  ModelResponse,
  RouteDecisionEvent,
  Store,
  ToolCallEndEvent,
} from "../spec/index.js";
import { RunNotFoundError } from "./errors.js";
import { replayToolHost } from "./replay-tools.js";
import { loadPinned } from "./run-driver.js";
import { Runtime } from "./runtime.js";
import type { DriveOutcome, RuntimeDeps } from "./types.js";

export interface ReplayReport {
  runId: string;
  originalStatus: string;
  outcome: DriveOutcome;
  callsAnsweredFromJournal: number;
  /** Calls the journal had no record of: each would have been a live call. */
  unrecordedCalls: number;
  documents: Array<{ documentId: string; version: number; identical: boolean }>;
  /** Same outcome, no unrecorded call, every recorded document version reproduced byte for byte. */
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
  const calls = new Map<string, ModelCallEndEvent>();
  const responses = new Map<string, HumanInputResponseEvent>();
  const decisions = new Map<string, RouteDecisionEvent>();
  const toolEnds = new Map<string, ToolCallEndEvent>();
  for (const { event } of await source.readEvents(runId)) {
    if (event.type === "route-decision" && !decisions.has(event.decisionId))
      decisions.set(event.decisionId, event);
    if (event.type === "model-call-end") calls.set(event.callKey, event);
    if (event.type === "tool-call-end") toolEnds.set(event.callKey, event);
    if (event.type === "human-input-response" && !responses.has(event.requestId))
      responses.set(event.requestId, event);
  }
  let answered = 0;
  let unrecorded = 0;
  const fromJournal: ModelClient = {
    specificationVersion: "v1",
    async generate(_request, options): Promise<ModelResponse> {
      const end = options?.callKey ? calls.get(options.callKey) : undefined;
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
      return (await recordedResult(source, end.result, end.resultBlob)) as unknown as ModelResponse;
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
    recordedResponse: (requestId) => responses.get(requestId),
    recordedDecision: (decisionId) => decisions.get(decisionId),
  });
  const copy = await runtime.start(pinned.workflow, run.inputs as Record<string, JsonValue>, {
    dryRun: pinned.dryRun,
    ...(pinned.routing ? { routing: pinned.routing } : {}),
    ...(pinned.children ? { children: pinned.children } : {}),
  });
  const outcome = await runtime.drive(copy.id);
  const replayed = new Map(
    (await scratch.listDocumentVersions(copy.id)).map((d) => [`${d.documentId}@${d.version}`, d.blobHash]),
  );
  const documents = (await source.listDocumentVersions(runId)).map((d) => ({
    documentId: d.documentId,
    version: d.version,
    identical: replayed.get(`${d.documentId}@${d.version}`) === d.blobHash,
  }));
  return {
    runId,
    originalStatus: run.status,
    outcome,
    callsAnsweredFromJournal: answered + toolCounters.answered,
    unrecordedCalls: unrecorded + toolCounters.unrecorded,
    documents,
    identical:
      outcome === run.status &&
      unrecorded + toolCounters.unrecorded === 0 &&
      documents.every((d) => d.identical) &&
      replayed.size === documents.length,
  };
}

async function recordedResult(
  store: Store,
  result: JsonValue | undefined,
  blob: string | undefined,
): Promise<JsonValue> {
  if (result !== undefined) return result;
  const bytes = blob ? await store.getBlob(blob) : undefined;
  if (!bytes) throw new Error("a recorded model call result is missing from the store");
  return JSON.parse(Buffer.from(bytes).toString("utf8")) as JsonValue;
}
