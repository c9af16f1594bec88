/**
 * The verdict of a chaos session, from evidence only: the journals in the store and the requests the
 * fake provider received. Durability (DESIGN.md §3) means: every run completes, no call has two
 * recorded results, every provider request follows a journaled `model-call-start` of its step, and no
 * request for a call arrives after that call's result was recorded (recorded calls never repeat).
 */
import type { JournalEntry, ModelCallEndEvent, ModelCallStartEvent, Store } from "../../src/spec/index.js";
import type { RecordedRequest } from "../../src/testing/fake-provider/index.js";
import { attributeRequest, chaosStepIds, isWarmUpRequest } from "./workflow.js";

export interface ChaosVerdict {
  runs: number;
  runsSucceeded: number;
  /** `model-call-start` events, and the ok `model-call-end` events (recorded calls). */
  callStarts: number;
  callsRecorded: number;
  /** Starts beyond the first for the same call key: calls in flight at a kill that ran again. */
  inFlightCallsRerun: number;
  /** Requests made for runs (workers' warm-up calls excluded). */
  providerRequests: number;
  violations: string[];
}

type Entry = JournalEntry;
const key = (runId: string, stepId: string) => `${runId}\u0000${stepId}`;

export async function verifyChaos(
  store: Store,
  runIds: readonly string[],
  requests: readonly RecordedRequest[],
): Promise<ChaosVerdict> {
  const violations: string[] = [];
  const verdict: ChaosVerdict = {
    runs: runIds.length,
    runsSucceeded: 0,
    callStarts: 0,
    callsRecorded: 0,
    inFlightCallsRerun: 0,
    providerRequests: requests.filter((r) => !isWarmUpRequest(r.body)).length,
    violations,
  };
  const starts = new Map<string, Array<JournalEntry<ModelCallStartEvent>>>();
  const okEnds = new Map<string, Array<JournalEntry<ModelCallEndEvent>>>();
  for (const runId of runIds) {
    const run = await store.getRun(runId);
    const events = await store.readEvents(runId);
    if (run?.status === "succeeded") verdict.runsSucceeded++;
    else violations.push(`run ${runId} is ${run?.status ?? "missing"}, not succeeded`);
    checkRunJournal(runId, events, violations);
    const startsByKey = new Map<string, number>();
    const okByKey = new Map<string, number>();
    // A call declared by a fan-out's `model-call-batch-start` may leave before its own start commits:
    // the declaration counts as its start, and the own start that follows does not count again.
    const declared = new Set<string>();
    const countStart = (entry: Entry, stepId: string, callKey: string) => {
      verdict.callStarts++;
      startsByKey.set(callKey, (startsByKey.get(callKey) ?? 0) + 1);
      push(starts, key(runId, stepId), {
        ...entry,
        event: { ...entry.event, callKey },
      } as JournalEntry<ModelCallStartEvent>);
    };
    for (const entry of events) {
      const event = entry.event;
      if (event.type === "model-call-batch-start") {
        for (const callKey of event.callKeys) {
          declared.add(callKey);
          countStart(entry, event.stepId, callKey);
        }
      } else if (event.type === "model-call-start") {
        if (!declared.delete(event.callKey)) countStart(entry, event.stepId, event.callKey);
      } else if (event.type === "model-call-end" && event.outcome === "ok") {
        verdict.callsRecorded++;
        okByKey.set(event.callKey, (okByKey.get(event.callKey) ?? 0) + 1);
        push(okEnds, key(runId, event.stepId), entry as JournalEntry<ModelCallEndEvent>);
      }
    }
    for (const [callKey, count] of okByKey)
      if (count > 1) violations.push(`run ${runId}: call ${callKey.slice(0, 12)} has ${count} ok results`);
    for (const count of startsByKey.values()) verdict.inFlightCallsRerun += count - 1;
  }
  checkRequests(requests, new Set(runIds), starts, okEnds, violations);
  return verdict;
}

function checkRunJournal(runId: string, events: readonly Entry[], violations: string[]): void {
  const ended = new Set(events.flatMap((e) => (e.event.type === "step-end" ? [e.event.stepId] : [])));
  for (const stepId of chaosStepIds)
    if (!ended.has(stepId)) violations.push(`run ${runId}: step ${stepId} never ended`);
  const runEnds = events.filter((e) => e.event.type === "run-end");
  if (runEnds.length !== 1) violations.push(`run ${runId}: ${runEnds.length} run-end events`);
  events.forEach((entry, i) => {
    if (entry.seq !== i) violations.push(`run ${runId}: journal seq ${entry.seq} at position ${i}`);
  });
}

function checkRequests(
  requests: readonly RecordedRequest[],
  runIds: ReadonlySet<string>,
  starts: Map<string, Array<JournalEntry<ModelCallStartEvent>>>,
  okEnds: Map<string, Array<JournalEntry<ModelCallEndEvent>>>,
  violations: string[],
): void {
  const byStep = new Map<string, RecordedRequest[]>();
  for (const request of requests) {
    if (isWarmUpRequest(request.body)) continue;
    const owner = attributeRequest(request.body);
    if (!owner || !runIds.has(owner.runId)) {
      violations.push(`provider request #${request.seq} belongs to no chaos run`);
      continue;
    }
    push(byStep, key(owner.runId, owner.stepId), request);
  }
  for (const [stepKey, stepRequests] of byStep) {
    const label = stepKey.replace("\u0000", " step ");
    const stepStarts = starts.get(stepKey) ?? [];
    if (stepRequests.length > stepStarts.length)
      violations.push(
        `run ${label}: ${stepRequests.length} requests but ${stepStarts.length} journaled starts`,
      );
    // The k-th request must follow at least k journaled starts: a call is journaled before it is made.
    const sorted = [...stepRequests].sort((a, b) => a.receivedAtMs - b.receivedAtMs);
    sorted.forEach((request, k) => {
      const before = stepStarts.filter((s) => s.atMs <= request.receivedAtMs).length;
      if (before < k + 1)
        violations.push(
          `run ${label}: request #${request.seq} came before its model-call-start was journaled`,
        );
    });
    // Once a call's result is recorded, no request for it may follow. With one call key per step
    // (the normal case), that is the step's first ok end; with several (retried attempts), the last.
    const ends = okEnds.get(stepKey) ?? [];
    const keys = new Set(stepStarts.map((s) => s.event.callKey));
    const recordedAtMs =
      keys.size <= 1 ? Math.min(...ends.map((e) => e.atMs)) : Math.max(...ends.map((e) => e.atMs));
    for (const request of sorted)
      if (ends.length > 0 && request.receivedAtMs > recordedAtMs)
        violations.push(
          `run ${label}: request #${request.seq} at ${request.receivedAtMs} repeats a call recorded at ${recordedAtMs}`,
        );
  }
}

function push<T>(map: Map<string, T[]>, mapKey: string, value: T): void {
  const list = map.get(mapKey);
  if (list) list.push(value);
  else map.set(mapKey, [value]);
}
