/** The end-of-run summary: status, steps, tokens, cost, documents and how to get them. */
import type { Store } from "../../spec/index.js";

export interface RunSummary {
  runId: string;
  workflow: string;
  status: string;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
  modelCalls: number;
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
  const run = await store.getRun(runId);
  const events = await store.readEvents(runId);
  let costUsd = 0;
  let inputTokens = 0;
  let outputTokens = 0;
  let modelCalls = 0;
  let dryRun = false;
  let error: string | undefined;
  for (const { event } of events) {
    if (event.type === "model-call-end") {
      modelCalls++;
      costUsd += event.costUsd ?? 0;
      inputTokens += event.usage?.inputTokens ?? 0;
      outputTokens += event.usage?.outputTokens ?? 0;
      if ((event.result as { dryRun?: boolean } | undefined)?.dryRun) dryRun = true;
    }
    if (event.type === "run-end" && event.error) error = event.error.message;
  }
  const latest = new Map<string, RunSummary["documents"][number]>();
  for (const d of await store.listDocumentVersions(runId))
    latest.set(d.documentId, {
      documentId: d.documentId,
      version: d.version,
      sizeBytes: d.sizeBytes,
      stepId: d.stepId,
      ...(d.model ? { model: d.model } : {}),
    });
  const documents = [...latest.values()];
  const status = run?.status ?? "unknown";
  const lines = [
    `${status.toUpperCase()}${dryRun ? " (dry run: placeholder documents, no model was called)" : ""} · run ${runId}`,
    `${modelCalls} model calls · ${inputTokens} input + ${outputTokens} output tokens · $${costUsd.toFixed(4)}`,
    ...(error ? [`error: ${error}`] : []),
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
    inputTokens,
    outputTokens,
    modelCalls,
    dryRun,
    documents,
    ...(error ? { error } : {}),
    text: lines.join("\n"),
  };
}
