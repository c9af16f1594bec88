/**
 * The journaling context a step executor works through. Each model call and human request gets a
 * deterministic key from (step, round, attempt, call number, request): on resume, a call whose
 * result is in the journal is answered from it, so nothing is paid for twice.
 */

import { ModelCallError } from "../errors/index.js";
import { countTextTokens } from "../models/context/index.js";
import type {
  CallBudget,
  JsonValue,
  ModelCallContext,
  ModelRequest,
  ModelResponse,
  Step,
} from "../spec/index.js";
import type { HumanInputResult, RunSnapshot, StepContext } from "../steps/types.js";
import { generateWithBudgetApproval } from "./budget-approval.js";
import { CallDeclarations } from "./call-declarations.js";
import { runChild } from "./child-run.js";
import { modelChooser } from "./choose-models.js";
import { callKeyHasher } from "./hash.js";
import { inlineResultBytes, type RecordedResult, readResult, storeResult } from "./recorded-results.js";
import { type RunData, readDocumentText, runData } from "./run-data.js";
import { recordSecurityEvent } from "./security-events.js";
import { makeToolCalls } from "./tool-calls.js";
import type { RunScope } from "./types.js";

/** A text answer without tool calls, far below the inline limit even with its usage and trace. */
const surelySmall = (response: ModelResponse): boolean =>
  response.text.length <= inlineResultBytes / 4 && !response.toolCalls?.length;

export function makeStepContext(scope: RunScope, step: Step, attempt: number, round: number): StepContext {
  const { deps, writer, index } = scope;
  const stepState = scope.state.steps.get(step.id)!;
  let calls = 0;
  let requests = 0;
  let securityReports = 0;
  const callContext = modelCallContext(scope, step, attempt);
  const keyOf: (call: number, request: ModelRequest) => string = callKeyHasher(step.id, round, attempt);
  const declarations = new CallDeclarations(
    keyOf,
    // Nothing is declared once the attempt is aborted: those calls will not be made.
    (callKeys) =>
      scope.signal.aborted
        ? Promise.reject(scope.signal.reason)
        : writer.append([{ type: "model-call-batch-start", stepId: step.id, attempt, callKeys }]),
    (callKey) => index.callEnds.has(callKey),
  );
  const context: StepContext = {
    runId: scope.runId,
    workflow: scope.workflow,
    step,
    attempt,
    round,
    inputs: (index.inputs ?? {}) as Record<string, JsonValue>,
    feedback: [...stepState.feedback],
    signal: scope.signal,
    dryRun: scope.dryRun,
    ...makeToolCalls(scope, step, attempt, round),
    async readDocument(documentId) {
      const loaded = await readDocumentText(scope, documentId);
      return loaded ? { documentId, ...loaded } : undefined;
    },
    async variables(extra = {}) {
      const only = step.kind === "gate" ? undefined : step.inputs;
      // `extra` goes into runData's own object: spreading its result into another copy made a slow
      // object on every step (measured).
      return (await runData(scope, step, extra as Partial<RunData>, only)) as unknown as Record<
        string,
        unknown
      >;
    },
    chooseModels: modelChooser(scope, step, attempt, round),
    announceCalls(count, requestAt, window) {
      return declarations.announce(calls + 1, count, requestAt, window);
    },
    // Promise chains, not an async function: a suspended async function keeps its whole frame, and a
    // 1,000-item fan-out made 1,000 of them at once (a third of its allocation, measured).
    callModel(request: ModelRequest): Promise<ModelResponse> {
      try {
        const callNumber = ++calls;
        const callKey = declarations.keyFor(callNumber, request) ?? keyOf(callNumber, request);
        const recorded = index.callEnds.get(callKey);
        if (recorded) return recordedResponse(scope, recorded);
        const model = request.models[0] ?? "auto";
        // Durable before the request leaves: every paid call has a trace in the journal, even after a crash.
        // An announced call's start is its batch declaration (`model-call-batch-start`), durable first.
        const started =
          declarations.declaration(callNumber, callKey) ??
          writer.append([{ type: "model-call-start", stepId: step.id, attempt, callKey, model }]);
        const call: CallInFlight = { step, attempt, round, callNumber, callKey, model, startedMs: 0 };
        return started.then(() => {
          // Cancelled or timed out while its start was committing: the request never leaves (a client
          // handed an already-aborted signal may not notice it, and the call would be paid for nothing).
          scope.signal.throwIfAborted();
          call.startedMs = deps.now();
          return generateWithBudgetApproval(
            scope.models,
            request,
            { signal: scope.signal, callKey, context: callContext },
            (prompt) => context.humanInput("approval", prompt),
          ).then(
            (response) => recordAnswer(scope, call, response),
            (error: unknown) => {
              recordFailure(scope, call, error);
              throw error;
            },
          );
        });
      } catch (error) {
        return Promise.reject(error);
      }
    },
    countTokens: countTextTokens,
    runChild: (inputs) => runChild(scope, step, attempt, round, inputs),
    reportSecurityEvent(kind, detail) {
      recordSecurityEvent(scope, {
        eventId: `${step.id}.r${round}.a${attempt}.s${++securityReports}`,
        kind,
        stepId: step.id,
        attempt,
        detail,
      });
    },
    runSnapshot(): RunSnapshot {
      return {
        routing: scope.routing,
        steps: scope.workflow.steps.map((s) => {
          const st = scope.state.steps.get(s.id)!;
          return {
            id: s.id,
            kind: s.kind,
            status: st.status,
            round: st.round,
            ...(st.failure ? { error: st.failure.message } : {}),
          };
        }),
        decisions: [...scope.state.decisions],
      };
    },
    async humanInput(kind, prompt, key, expiry): Promise<HumanInputResult> {
      const requestId = `${step.id}.r${round}.a${attempt}.${key ?? ++requests}`;
      const response = index.responses.get(requestId);
      if (response)
        return {
          status: "answered",
          response: response.response,
          ...(response.respondedBy ? { respondedBy: response.respondedBy } : {}),
        };
      const replayed = deps.recordedResponse?.(requestId, scope.runId);
      if (!index.requests.has(requestId))
        await writer.append([
          {
            type: "human-input-request",
            requestId,
            stepId: step.id,
            kind,
            prompt,
            ...(expiry ? { expiresAtMs: deps.now() + expiry.afterMs, onExpiry: expiry.response } : {}),
          },
        ]);
      if (replayed) {
        await writer.append([replayed]);
        return {
          status: "answered",
          response: replayed.response,
          ...(replayed.respondedBy ? { respondedBy: replayed.respondedBy } : {}),
        };
      }
      return { status: "waiting" };
    },
  };
  return context;
}

/** One model call of a step attempt, from its start to its end event. */
interface CallInFlight {
  readonly step: Step;
  readonly attempt: number;
  readonly round: number;
  readonly callNumber: number;
  readonly callKey: string;
  /** The first model asked (the end event names the one that answered). */
  readonly model: string;
  startedMs: number;
}

/**
 * Journals an answered call (recorded, not awaited: it commits before the step's end, through the same
 * ordered writer, and a crash before it commits leaves the call in flight, which may run again: the
 * documented rule) and hands the response on. A large result goes to a blob first.
 */
function recordAnswer(
  scope: RunScope,
  call: CallInFlight,
  response: ModelResponse,
): ModelResponse | Promise<ModelResponse> {
  const result = response as unknown as JsonValue;
  // Measured exactly only when it might be large: most answers are a few KB of text.
  const json = surelySmall(response) ? undefined : JSON.stringify(result);
  if (json === undefined || json.length <= inlineResultBytes)
    return recordEnd(scope, call, response, undefined);
  return storeResult(response, json, scope.deps.store).then((stored) =>
    recordEnd(scope, call, response, stored),
  );
}

function recordEnd(
  scope: RunScope,
  call: CallInFlight,
  response: ModelResponse,
  /** Where a large result went (blobs already stored); undefined: inline. */
  stored: (RecordedResult & { blobs: string[] }) | undefined,
): ModelResponse {
  const { step, attempt, callKey } = call;
  const downgrade = response.budgetDowngrade;
  if (downgrade)
    scope.writer.record([{ type: "budget-downgrade", stepId: step.id, attempt, callKey, ...downgrade }]);
  // One literal with small conditional spreads: V8 keeps it a fast object (spreading a shared base
  // object first made each event a slow ~1.7 KB one, measured).
  scope.writer.record([
    {
      type: "model-call-end",
      stepId: step.id,
      attempt,
      callKey,
      model: response.model,
      outcome: "ok",
      ...(stored ?? { result: response as unknown as JsonValue }),
      usage: response.usage,
      ...(response.costUsd !== undefined ? { costUsd: response.costUsd } : {}),
      durationMs: scope.deps.now() - call.startedMs,
      ...(response.cacheHit ? { cacheHit: true } : {}),
    },
  ]);
  return response;
}

/** Journals a failed call (and the security notices its error carries); a cancelled call is not journaled. */
function recordFailure(scope: RunScope, call: CallInFlight, error: unknown): void {
  if (scope.signal.aborted) return;
  const { step, attempt, round, callNumber, callKey } = call;
  const err = error as Error & { isRetryable?: boolean; costUsd?: number; errorClass?: string };
  if (error instanceof ModelCallError)
    (error.security ?? []).forEach((notice, i) => {
      recordSecurityEvent(scope, {
        eventId: `${step.id}.r${round}.a${attempt}.call${callNumber}.${i + 1}`,
        kind: notice.kind,
        stepId: step.id,
        attempt,
        detail: notice.detail,
      });
    });
  scope.writer.record([
    {
      type: "model-call-end",
      stepId: step.id,
      attempt,
      callKey,
      model: call.model,
      outcome: "error",
      error: {
        name: err.name,
        message: err.message,
        ...(err.isRetryable !== undefined ? { isRetryable: err.isRetryable } : {}),
        ...(typeof err.errorClass === "string" ? { errorClass: err.errorClass } : {}),
      },
      ...(err.costUsd !== undefined ? { costUsd: err.costUsd } : {}),
      durationMs: scope.deps.now() - call.startedMs,
    },
  ]);
}

/** Who is calling, for the cost middleware: budgets from the workflow and step, and the step's cache. */
function modelCallContext(scope: RunScope, step: Step, attempt: number): ModelCallContext {
  const budgets: CallBudget[] = [];
  const run = scope.workflow.budget;
  if (run) budgets.push({ scope: "run", usd: run.usd, onExceed: run.onExceed });
  if (step.budgetUsd !== undefined)
    budgets.push({ scope: "step", usd: step.budgetUsd, onExceed: step.onBudgetExceed ?? "stop" });
  const cacheTtlMs = "cacheTtlMs" in step && !scope.dryRun ? step.cacheTtlMs : undefined;
  return {
    runId: scope.runId,
    workflowName: scope.workflow.name,
    stepId: step.id,
    attempt,
    ...(budgets.length > 0 ? { budgets } : {}),
    ...(cacheTtlMs !== undefined ? { cacheTtlMs } : {}),
  };
}

async function recordedResponse(scope: RunScope, recorded: RecordedResult): Promise<ModelResponse> {
  return (await readResult(scope.deps.store, recorded, "model call")) as unknown as ModelResponse;
}
