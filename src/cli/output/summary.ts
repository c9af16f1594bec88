/** The end-of-run summary: status, calls, tokens, cost, documents and how to get them. */

import { plural } from "../../planner/index.js";
import type { DocumentVersionRecord, RunEvent, RunRecord, SpendRecord, Store } from "../../spec/index.js";
import { costTotal } from "./costs.js";

export interface RunSummary {
  runId: string;
  workflow: string;
  status: string;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  modelCalls: number;
  /** Calls whose process crashed or stopped before their cost was known (open or expired reservations). */
  cutOffCalls: number;
  /** Calls answered from the response cache (counted in `modelCalls`). */
  cacheHits: number;
  /** A fork: the run it reuses steps from. */
  forkedFrom?: string;
  dryRun: boolean;
  documents: Array<{
    documentId: string;
    version: number;
    sizeBytes: number;
    stepId: string;
    model?: string;
  }>;
  error?: string;
  text: string;
}

export async function runSummary(store: Store, runId: string): Promise<RunSummary> {
  const [run, entries, ledger, documents] = await Promise.all([
    store.getRun(runId),
    store.readEvents(runId),
    store.listSpend({ runId }),
    store.listDocumentVersions(runId),
  ]);
  return summarise(
    runId,
    run,
    entries.map((e) => e.event),
    ledger,
    documents,
  );
}

interface OwnJournal {
  calls: number;
  cacheHits: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  dryRun: boolean;
  error?: string;
  forkedFrom?: string;
}

/** Tokens, cost and errors of this run's own journal: a fork's copied events belong to its source. */
function ownJournal(events: readonly RunEvent[]): OwnJournal {
  const own: OwnJournal = {
    calls: 0,
    cacheHits: 0,
    costUsd: 0,
    inputTokens: 0,
    outputTokens: 0,
    dryRun: false,
  };
  let copied = 0;
  for (const event of events) {
    if (copied > 0) {
      copied--;
      continue;
    }
    if (event.type === "run-start" && event.forkedFrom) {
      own.forkedFrom = event.forkedFrom.runId;
      copied = event.forkedFrom.reusedEvents;
    }
    // A call its budget refused was never sent (and has no ledger row).
    if (event.type === "model-call-end" && event.error?.name !== "BudgetExceededError") {
      own.calls++;
      if (event.cacheHit) own.cacheHits++;
      own.costUsd += event.costUsd ?? 0;
      own.inputTokens += event.usage?.inputTokens ?? 0;
      own.outputTokens += event.usage?.outputTokens ?? 0;
      if ((event.result as { dryRun?: boolean } | undefined)?.dryRun) own.dryRun = true;
    }
    if (event.type === "run-end" && event.error) own.error = event.error.message;
  }
  return own;
}

/**
 * Calls and cost come from the spend ledger, like `quorum costs`, so the two always agree: a call cut
 * off by a crash or a stop counts there (its cost unknown), and a fork's reused steps count for the run
 * that paid for them; answers from the response cache (no provider call, no ledger row) are added from
 * the journal. A run with no ledger rows (a dry run, a replay) counts its journal's calls.
 */
export function summarise(
  runId: string,
  run: RunRecord | undefined,
  events: readonly RunEvent[],
  ledger: readonly SpendRecord[],
  versions: readonly DocumentVersionRecord[],
): RunSummary {
  const own = ownJournal(events);
  // An open reservation is a call in flight while the run is driven; otherwise its process stopped
  // before the call's cost was known (as is one that expired).
  const live = run?.status === "running" || run?.status === "pending";
  const total = costTotal(ledger);
  const open = ledger.filter((r) => r.status === "reserved").length;
  const inFlightCalls = live ? open : 0;
  const cutOffCalls = total.expiredCalls + (live ? 0 : open);
  // Cache hits make no provider call, so the ledger has no row for them.
  const modelCalls = total.calls > 0 ? total.calls + own.cacheHits : own.calls;
  const costUsd = total.calls > 0 ? total.costUsd : own.costUsd;
  const latest = new Map<string, RunSummary["documents"][number]>();
  for (const d of versions)
    latest.set(d.documentId, {
      documentId: d.documentId,
      version: d.version,
      sizeBytes: d.sizeBytes,
      stepId: d.stepId,
      ...(d.model ? { model: d.model } : {}),
    });
  const documents = [...latest.values()];
  const status = run?.status ?? "unknown";
  const notes = [
    ...(own.cacheHits > 0 ? [`${own.cacheHits} from the response cache`] : []),
    ...(inFlightCalls > 0 ? [`${inFlightCalls} in flight`] : []),
    ...(cutOffCalls > 0 ? [`${cutOffCalls} cut off by a crash or stop: cost unknown`] : []),
  ];
  const cutOff = notes.length > 0 ? ` (${notes.join("; ")})` : "";
  const lines = [
    `${status.toUpperCase()}${own.dryRun ? " (dry run: placeholder documents, no model was called)" : ""} · run ${runId}`,
    `${plural(modelCalls, "model call")}${cutOff} · ${own.inputTokens} input + ${own.outputTokens} output tokens · $${costUsd.toFixed(4)}`,
    ...(own.forkedFrom
      ? [`forked from run ${own.forkedFrom}: the calls of the steps it reuses are counted there`]
      : []),
    ...(own.error ? [`error: ${own.error}`] : []),
    ...(documents.length > 0
      ? [
          "documents:",
          ...documents.map((d) => `  ${d.documentId} v${d.version} (${d.sizeBytes} bytes, by ${d.stepId})`),
          `export them: quorum docs export ${runId} --out ./out`,
        ]
      : []),
  ];
  return {
    runId,
    workflow: run?.workflowName ?? "",
    status,
    costUsd,
    inputTokens: own.inputTokens,
    outputTokens: own.outputTokens,
    modelCalls,
    cutOffCalls,
    cacheHits: own.cacheHits,
    ...(own.forkedFrom ? { forkedFrom: own.forkedFrom } : {}),
    dryRun: own.dryRun,
    documents,
    ...(own.error ? { error: own.error } : {}),
    text: lines.join("\n"),
  };
}
