/**
 * Execute one step attempt: evaluate its condition, run its executor through a journaling context,
 * validate and store the documents it produced, and append the outcome. Never throws for a step's
 * own failure: that becomes a `step-error` event (with a retry time when retries remain).
 */
import { compileSchema, evaluateExpression, formatSchemaErrors, truthy } from "../definition/index.js";
import { isStoreFailure } from "../errors/index.js";
import type { DocumentRef, GateVerdict, JsonValue, RunEvent, Step, Workflow } from "../spec/index.js";
import { lookupPath } from "../steps/index.js";
import { StepWaitingError } from "./budget-approval.js";
import { gateObservations, recordGateObservations } from "./gate-observations.js";
import { sha256 } from "./hash.js";
import type { BlobWrite } from "./journal-writer.js";
import { runData } from "./run-data.js";
import { makeStepContext } from "./step-context.js";
import type { RunScope } from "./types.js";

export type { RunScope } from "./types.js";

/** Documents up to this size stay in the run's memory for the steps that consume them. */
const cachedContentBytes = 256 * 1024;
/** Documents up to this size are journaled in their `document-version` event (docs/store.md). */
const inlineDocumentBytes = 16 * 1024;

/** `String.prototype.isWellFormed` (Node ≥ 20; not in this TypeScript lib): no lone surrogate. */
const wellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

const defaultRetryDelayMs = (attempt: number) =>
  Math.floor(Math.random() * Math.min(30_000, 500 * 2 ** (attempt - 1)));

export async function executeStep(
  scope: RunScope,
  stepId: string,
  attempt: number,
  round: number,
): Promise<void> {
  const { deps, workflow, writer } = scope;
  const step = stepById(workflow, stepId);
  const fail = async (
    error: { name: string; message: string },
    retryable: boolean,
    verdict?: GateVerdict,
  ) => {
    if (scope.signal.aborted) return; // cancelled: the run-end is already journaled
    const willRetry = retryable && attempt <= step.retries;
    const retryAtMs = willRetry
      ? deps.now() + (deps.retryDelayMs ?? defaultRetryDelayMs)(attempt)
      : undefined;
    await writer.append([
      {
        type: "step-error",
        stepId,
        attempt,
        error,
        willRetry,
        ...(retryAtMs !== undefined ? { retryAtMs } : {}),
        ...(verdict ? { verdict } : {}),
      },
    ]);
  };

  if (step.when !== undefined) {
    const data = await runData(scope, step);
    const result = evaluateExpression(step.when, (path) => lookupPath(data, path));
    if (result.error) return fail({ name: "ConditionError", message: `when: ${result.error}` }, false);
    if (!truthy(result.value)) {
      await writer.append([{ type: "step-skip", stepId, reason: `when: ${step.when} is false` }]);
      return;
    }
  }

  const executor = deps.executors[step.kind];
  if (!executor) return fail({ name: "NotRunnable", message: `no executor for ${step.kind} steps` }, false);
  // A per-attempt timeout aborts the attempt's calls like a cancel would, but only this attempt.
  const attemptSignal =
    step.timeoutMs !== undefined
      ? AbortSignal.any([scope.signal, AbortSignal.timeout(step.timeoutMs)])
      : scope.signal;
  const context = makeStepContext({ ...scope, signal: attemptSignal }, step, attempt, round);
  let outcome: Awaited<ReturnType<typeof executor.execute>>;
  try {
    outcome = await executor.execute(context);
  } catch (error) {
    // A call waits for approval to exceed an `ask` budget: the step waits like one that asked a person.
    if (error instanceof StepWaitingError) return;
    // The store failing under the step (a full disk while writing an answer's blob, a lock held too
    // long, a database gone) is not the step's failure: retrying it would spend the step's retries and
    // fail the run for good. It stops the run where its journal stands, to be resumed (run-driver.ts).
    if (isStoreFailure(error)) throw error;
    if (!scope.signal.aborted && attemptSignal.aborted)
      return fail(
        {
          name: "TimeoutError",
          message: `step '${stepId}' attempt ${attempt} timed out after ${step.timeoutMs} ms`,
        },
        true,
      );
    const err = error as Error & { isRetryable?: boolean };
    return fail({ name: err.name || "Error", message: err.message }, err.isRetryable ?? true);
  }
  if (outcome.type === "done" || outcome.type === "remediate") {
    // Awaited only when there is something to record (gates): every await on the path from a step's
    // answer to the next step's call is a turn of the microtask queue that other steps' work gets ahead of.
    const observations = gateObservations(scope, step, attempt, round, outcome.output);
    if (observations.length > 0) await recordGateObservations(scope, observations);
  }
  switch (outcome.type) {
    case "waiting":
      return;
    case "failed":
      return fail(outcome.error, outcome.retryable, outcome.verdict);
    case "remediate":
      await writer.append([
        {
          type: "remediation",
          stepId,
          round,
          targets: outcome.targets,
          feedback: outcome.feedback,
          ...(outcome.verdict ? { verdict: outcome.verdict } : {}),
        },
      ]);
      return;
    case "decided": {
      const events = documentEvents(scope, step, attempt, outcome.documents, outcome.model);
      if ("error" in events) return fail(events.error, true);
      const decision = scope.state.decisions.filter((d) => d.stepId === stepId).length + 1;
      await writer.append(
        [
          ...events.events,
          {
            type: "arbiter-decision",
            stepId,
            attempt,
            decision,
            route: outcome.route,
            steps: outcome.steps,
            valid: outcome.valid,
            ...(outcome.choice !== undefined ? { choice: outcome.choice } : {}),
            ...(outcome.reason !== undefined ? { reason: outcome.reason } : {}),
            ...(outcome.model !== undefined ? { model: outcome.model } : {}),
          },
          // A route without steps ends the arbiter; otherwise it decides again after them.
          ...(outcome.steps.length === 0
            ? [{ type: "step-end" as const, stepId, attempt, output: { route: outcome.route, decision } }]
            : []),
        ],
        undefined,
        events.blobs,
      );
      return;
    }
    case "done": {
      const events = documentEvents(scope, step, attempt, outcome.documents, outcome.model);
      if ("error" in events) return fail(events.error, true);
      // Queued, not awaited: the run's next outside effect (the next step's first call, a request to a
      // person, the run's end) commits after it, so the next step can start in this same turn.
      writer.record(
        [
          ...events.events,
          {
            type: "step-end",
            stepId,
            attempt,
            ...(outcome.output !== undefined ? { output: outcome.output } : {}),
          },
        ],
        events.blobs,
      );
      return;
    }
  }
}

/** Steps by id, built once per pinned workflow: a 1,000-step fan-out otherwise scans 500 steps per start. */
const stepMaps = new WeakMap<Workflow, ReadonlyMap<string, Step>>();
function stepById(workflow: Workflow, stepId: string): Step {
  let steps = stepMaps.get(workflow);
  if (!steps) {
    steps = new Map(workflow.steps.map((s) => [s.id, s]));
    stepMaps.set(workflow, steps);
  }
  const step = steps.get(stepId);
  if (!step) throw new Error(`the engine started step '${stepId}', which the workflow does not have`);
  return step;
}

/** Validate each produced document, store it as a blob, and describe it with its lineage (synchronous). */
function documentEvents(
  scope: RunScope,
  step: Step,
  attempt: number,
  documents: Record<string, string>,
  model: string | undefined,
): { events: RunEvent[]; blobs: BlobWrite[] } | { error: { name: string; message: string } } {
  const events: RunEvent[] = [];
  const blobs: BlobWrite[] = [];
  const inputVersions: DocumentRef[] = step.inputs
    .map((id) => ({ documentId: id, version: scope.state.documentVersions.get(id) ?? 0 }))
    .filter((r) => r.version > 0);
  for (const documentId of step.outputs) {
    const content = documents[documentId];
    // An arbiter writes its decision document only when the model gave a valid one.
    if (content === undefined && step.kind === "arbiter") continue;
    if (content === undefined)
      return {
        error: {
          name: "MissingDocument",
          message: `step '${step.id}' did not produce document '${documentId}'`,
        },
      };
    const type = scope.workflow.documents[documentId];
    if (type?.schema) {
      let value: JsonValue;
      try {
        value = JSON.parse(content) as JsonValue;
      } catch (error) {
        return {
          error: {
            name: "InvalidDocument",
            message: `document '${documentId}' is not JSON: ${(error as Error).message}`,
          },
        };
      }
      const { validate } = compileSchema(type.schema);
      if (validate && !validate(value))
        return {
          error: {
            name: "InvalidDocument",
            message: `document '${documentId}' does not match its schema: ${formatSchemaErrors(validate).slice(0, 5).join("; ")}`,
          },
        };
    }
    const bytes = Buffer.from(content, "utf8");
    const blobHash = sha256(bytes);
    // A small document travels in its event (one journal write per step); a larger one is a blob stored
    // in the same transaction as these events (AppendOptions.blobs), not in one of its own.
    const inline = bytes.byteLength <= inlineDocumentBytes;
    if (!inline) {
      blobs.push({ hash: blobHash, bytes });
      // Its consumers read it from memory, not back from the store (a round trip per step on
      // PostgreSQL). An inline document needs no such copy: its event, in the run index, holds it.
      if (bytes.byteLength <= cachedContentBytes) scope.index.contents.set(blobHash, content);
    }
    const version = (scope.state.documentVersions.get(documentId) ?? 0) + 1;
    events.push({
      type: "document-version",
      documentId,
      version,
      blobHash,
      sizeBytes: bytes.byteLength,
      stepId: step.id,
      attempt,
      ...(model ? { model } : {}),
      inputVersions,
      // The text whose UTF-8 is exactly `bytes`: `content` itself, unless a lone surrogate in it was
      // replaced when it was encoded.
      ...(inline ? { content: wellFormed(content) ? content : bytes.toString("utf8") } : {}),
    });
  }
  return { events, blobs };
}
