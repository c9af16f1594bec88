/**
 * `quorum costs` as pure functions: ledger rows (plus each run's status) in, totals per run, workflow,
 * step and model out, and their text rendering. Sums are integer micro-dollars, so the figures add
 * up exactly; failed and cancelled calls are counted (they were billed), open reservations (calls in
 * flight, or cut off by a crash) are shown apart at their estimate.
 */
import type { RunStatus, SpendRecord } from "../../spec/index.js";

export interface CostLine {
  readonly key: string;
  readonly costMicroUsd: number;
  readonly costUsd: number;
  /** Open reservations at their estimate, not yet reconciled. */
  readonly reservedMicroUsd: number;
  readonly calls: number;
  readonly failedCalls: number;
  readonly cancelledCalls: number;
  /** Reservations a crashed process left, cleared at $0 after their expiry (the cost is unknown). */
  readonly expiredCalls: number;
}

export interface RunCostLine extends CostLine {
  readonly workflowName: string;
  readonly status?: RunStatus;
}

export interface CostReport {
  readonly total: CostLine;
  readonly byRun: readonly RunCostLine[];
  readonly byWorkflow: readonly CostLine[];
  readonly byStep: readonly CostLine[];
  readonly byModel: readonly CostLine[];
}

interface Tally {
  costMicroUsd: number;
  reservedMicroUsd: number;
  calls: number;
  failedCalls: number;
  cancelledCalls: number;
  expiredCalls: number;
}

const emptyTally = (): Tally => ({
  costMicroUsd: 0,
  reservedMicroUsd: 0,
  calls: 0,
  failedCalls: 0,
  cancelledCalls: 0,
  expiredCalls: 0,
});

function add(tally: Tally, record: SpendRecord): void {
  tally.calls += 1;
  if (record.status === "reserved") tally.reservedMicroUsd += record.estimateMicroUsd;
  else tally.costMicroUsd += record.costMicroUsd;
  if (record.outcome === "error") tally.failedCalls += 1;
  if (record.outcome === "cancelled") tally.cancelledCalls += 1;
  if (record.outcome === "expired") tally.expiredCalls += 1;
}

const line = (key: string, t: Tally): CostLine => ({ key, ...t, costUsd: t.costMicroUsd / 1_000_000 });

function group(records: readonly SpendRecord[], keyOf: (r: SpendRecord) => string): CostLine[] {
  const tallies = new Map<string, Tally>();
  for (const record of records) {
    const key = keyOf(record);
    const tally = tallies.get(key) ?? emptyTally();
    add(tally, record);
    tallies.set(key, tally);
  }
  return [...tallies]
    .map(([key, t]) => line(key, t))
    .sort((a, b) => b.costMicroUsd - a.costMicroUsd || a.key.localeCompare(b.key));
}

/** The sums of `records`: what `quorum costs` prints as its total, and a run's summary as its calls and cost. */
export function costTotal(records: readonly SpendRecord[]): CostLine {
  const total = emptyTally();
  for (const record of records) add(total, record);
  return line("total", total);
}

export function costReport(
  records: readonly SpendRecord[],
  statuses: ReadonlyMap<string, RunStatus>,
): CostReport {
  const workflowOf = new Map(records.map((r) => [r.runId, r.workflowName]));
  return {
    total: costTotal(records),
    byRun: group(records, (r) => r.runId).map((l) => {
      const status = statuses.get(l.key);
      return { ...l, workflowName: workflowOf.get(l.key)!, ...(status ? { status } : {}) };
    }),
    byWorkflow: group(records, (r) => r.workflowName),
    byStep: group(records, (r) => `${r.workflowName}/${r.stepId}`),
    byModel: group(records, (r) => r.model),
  };
}

/** Exact micro-dollars as dollars with six decimals. */
export const formatUsd = (microUsd: number): string =>
  `$${Math.floor(microUsd / 1_000_000)}.${String(microUsd % 1_000_000).padStart(6, "0")}`;

function row(label: string, l: CostLine): string {
  const notes = [
    `${l.calls} call${l.calls === 1 ? "" : "s"}`,
    ...(l.failedCalls ? [`${l.failedCalls} failed`] : []),
    ...(l.cancelledCalls ? [`${l.cancelledCalls} cancelled`] : []),
    ...(l.expiredCalls ? [`${l.expiredCalls} cut off by a crash (cost unknown)`] : []),
    ...(l.reservedMicroUsd ? [`${formatUsd(l.reservedMicroUsd)} reserved, not yet settled`] : []),
  ];
  return `  ${label.padEnd(36)} ${formatUsd(l.costMicroUsd).padStart(12)}  ${notes.join(", ")}`;
}

export function renderCostReport(report: CostReport, scope: string): string[] {
  if (report.total.calls === 0) return [`no model calls recorded ${scope}`];
  const out = [`Costs ${scope}: ${formatUsd(report.total.costMicroUsd)} over ${report.total.calls} calls`];
  out.push("", "By run:");
  for (const l of report.byRun) out.push(row(`${l.key} ${l.workflowName} ${l.status ?? "deleted"}`, l));
  out.push("", "By workflow:");
  for (const l of report.byWorkflow) out.push(row(l.key, l));
  out.push("", "By step:");
  for (const l of report.byStep) out.push(row(l.key, l));
  out.push("", "By model:");
  for (const l of report.byModel) out.push(row(l.key, l));
  return out;
}
