/**
 * The chaos verdict must catch what it exists to catch: a repeated recorded call, a request with no
 * journaled start, two results for one call, a run left unfinished. Journals are written by hand on a
 * real SQLite store; requests are shaped like the fake provider's records.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { verifyChaos } from "../../scripts/chaos/verify.js";
import { chaosStepIds } from "../../scripts/chaos/workflow.js";
import type { RunEvent, Store } from "../../src/spec/index.js";
import { openStore } from "../../src/store/index.js";
import type { RecordedRequest } from "../../src/testing/fake-provider/index.js";

let dir: string;
let store: Store;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "quorum-chaos-verify-"));
  store = await openStore(`sqlite:${join(dir, "v.db")}`);
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const request = (seq: number, runId: string, stepId: string, atMs: number): RecordedRequest => ({
  seq,
  method: "POST",
  path: "/v1/chat/completions",
  headers: {},
  body: { messages: [{ role: "user", content: `[run ${runId} step ${stepId}]\nWrite.` }] },
  stream: false,
  apiKeyHint: "…0001",
  receivedAtMs: atMs,
  clientAborted: false,
  insideRetryAfterWindow: false,
});

/** A run whose every step made one call (key `k-<step>`) at `t0 + i*10` and ended. */
async function finishedRun(runId: string, t0: number, extra: Array<[RunEvent, number]> = []): Promise<void> {
  await store.createRun({
    id: runId,
    workflowName: "chaos",
    workflowHash: "h",
    definition: new Uint8Array(4),
    inputs: {},
  });
  const timeline: Array<[RunEvent, number]> = [
    [{ type: "run-start", workflowName: "chaos", workflowHash: "h" }, t0],
  ];
  chaosStepIds.forEach((stepId, i) => {
    const at = t0 + 10 + i * 10;
    const callKey = `k-${stepId}`;
    timeline.push(
      [{ type: "step-start", stepId, attempt: 1 }, at],
      [{ type: "model-call-start", stepId, attempt: 1, callKey, model: "m" }, at],
      [
        { type: "model-call-end", stepId, attempt: 1, callKey, model: "m", outcome: "ok", durationMs: 5 },
        at + 5,
      ],
      [{ type: "step-end", stepId, attempt: 1 }, at + 5],
    );
  });
  timeline.push(...extra, [{ type: "run-end", status: "succeeded" }, t0 + 100]);
  let seq = 0;
  for (const [event, atMs] of timeline)
    seq = (
      await store.appendEvents(runId, seq, [event], {
        atMs,
        ...(event.type === "run-end" ? { status: "succeeded" } : {}),
      })
    ).nextSeq;
}

const goodRequests = (runId: string, t0: number, from = 1) =>
  chaosStepIds.map((stepId, i) => request(from + i, runId, stepId, t0 + 10 + i * 10 + 1));

it("passes a clean session", async () => {
  await finishedRun("r1", 1000);
  const verdict = await verifyChaos(store, ["r1"], goodRequests("r1", 1000));
  expect(verdict.violations).toEqual([]);
  const steps = chaosStepIds.length;
  expect(verdict).toMatchObject({
    runsSucceeded: 1,
    callsRecorded: steps,
    callStarts: steps,
    providerRequests: steps,
  });
});

it("flags a recorded call that was repeated, and a request with no journaled start", async () => {
  await finishedRun("r1", 1000);
  const requests = [...goodRequests("r1", 1000), request(chaosStepIds.length + 1, "r1", "brief", 1050)];
  const verdict = await verifyChaos(store, ["r1"], requests);
  expect(verdict.violations.join("\n")).toMatch(/2 requests but 1 journaled starts/);
  expect(verdict.violations.join("\n")).toMatch(/repeats a call recorded at 1015/);
});

it("flags a request made before its model-call-start was journaled", async () => {
  await finishedRun("r1", 1000);
  const requests = goodRequests("r1", 1000).map((r, i) => (i === 0 ? { ...r, receivedAtMs: 1005 } : r));
  const verdict = await verifyChaos(store, ["r1"], requests);
  expect(verdict.violations.join("\n")).toMatch(/came before its model-call-start/);
});

it("flags two ok results for one call, and a run that did not succeed", async () => {
  const duplicate: RunEvent = {
    type: "model-call-end",
    stepId: "brief",
    attempt: 1,
    callKey: "k-brief",
    model: "m",
    outcome: "ok",
    durationMs: 1,
  };
  await finishedRun("r1", 1000, [[duplicate, 1090]]);
  await store.createRun({
    id: "r2",
    workflowName: "chaos",
    workflowHash: "h",
    definition: new Uint8Array(4),
    inputs: {},
  });
  const verdict = await verifyChaos(store, ["r1", "r2"], goodRequests("r1", 1000));
  const text = verdict.violations.join("\n");
  expect(text).toMatch(/call k-brief has 2 ok results/);
  expect(text).toMatch(/run r2 is pending, not succeeded/);
  expect(text).toMatch(/run r2: step brief never ended/);
});

it("counts a fan-out's declared calls as started, once, from the declaration on", async () => {
  const stepId = chaosStepIds[0]!;
  const declared: Array<[RunEvent, number]> = [
    [{ type: "model-call-batch-start", stepId, attempt: 1, callKeys: ["k-declared"] }, 1090],
    [{ type: "model-call-start", stepId, attempt: 1, callKey: "k-declared", model: "m" }, 1093],
    [
      {
        type: "model-call-end",
        stepId,
        attempt: 1,
        callKey: "k-declared",
        model: "m",
        outcome: "ok",
        durationMs: 3,
      },
      1095,
    ],
  ];
  await finishedRun("r1", 1000, declared);
  // The request left after the declaration, before its own start committed: not a violation.
  const clean = await verifyChaos(
    store,
    ["r1"],
    [...goodRequests("r1", 1000), request(chaosStepIds.length + 1, "r1", stepId, 1091)],
  );
  expect(clean.violations).toEqual([]);
  expect(clean.callStarts).toBe(chaosStepIds.length + 1);
  // One millisecond before the declaration it is one: only the step's first call had started then.
  const early = await verifyChaos(
    store,
    ["r1"],
    [...goodRequests("r1", 1000), request(chaosStepIds.length + 1, "r1", stepId, 1089)],
  );
  expect(early.violations.join("\n")).toMatch(/came before its model-call-start/);
});
