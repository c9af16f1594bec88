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
import { sha256, stableStringify } from "./hash.js";
import { readDocumentText, runData } from "./run-data.js";
import { recordSecurityEvent } from "./security-events.js";
import { makeToolCalls } from "./tool-calls.js";
import type { RunScope } from "./types.js";

/** Results larger than this go to a blob instead of inline in the event. */
const inlineResultBytes = 32 * 1024;

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
  const keyOf = (call: number, request: ModelRequest) =>
    sha256(stableStringify({ step: step.id, round, attempt, call, request }));
  const declarations = new CallDeclarations(
    keyOf,
    (callKeys) => writer.append([{ type: "model-call-batch-start", stepId: step.id, attempt, callKeys }]),
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
      return { ...(await runData(scope, step, {}, only)), ...extra } as unknown as Record<string, unknown>;
    },
    chooseModels: modelChooser(scope, step, attempt, round),
    announceCalls(count, requestAt, window) {
      declarations.announce(calls + 1, count, requestAt, window);
    },
    async callModel(request: ModelRequest): Promise<ModelResponse> {
      const callNumber = ++calls;
      const callKey = declarations.keyFor(callNumber, request) ?? keyOf(callNumber, request);
      const recorded = index.callEnds.get(callKey);
      if (recorded) return recordedResponse(scope, recorded.result, recorded.resultBlob);
      const model = request.models[0] ?? "auto";
      // Durable before the request leaves: every paid call has a trace in the journal, even after a crash.
      // An announced call's start is its batch declaration (`model-call-batch-start`), durable first.
      const declared = declarations.declaration(callNumber, callKey);
      if (declared) await declared;
      else await writer.append([{ type: "model-call-start", stepId: step.id, attempt, callKey, model }]);
      const startedMs = deps.now();
      try {
        const response = await generateWithBudgetApproval(
          scope.models,
          request,
          { signal: scope.signal, callKey, context: callContext },
          (prompt) => context.humanInput("approval", prompt),
        );
        const result = response as unknown as JsonValue;
        // Measured exactly only when it might be large: most answers are a few KB of text.
        const json = surelySmall(response) ? undefined : JSON.stringify(result);
        const blob =
          json !== undefined && json.length > inlineResultBytes
            ? await deps.store.putBlob(Buffer.from(json, "utf8"))
            : undefined;
        // Recorded, not awaited: it commits before the step's end (same ordered writer), and a crash
        // before it commits leaves the call in flight, which may run again — the documented rule.
        const downgrade = response.budgetDowngrade;
        if (downgrade)
          writer.record([{ type: "budget-downgrade", stepId: step.id, attempt, callKey, ...downgrade }]);
        writer.record([
          {
            type: "model-call-end",
            stepId: step.id,
            attempt,
            callKey,
            model: response.model,
            outcome: "ok",
            ...(blob ? { resultBlob: blob, blobs: [blob] } : { result }),
            usage: response.usage,
            ...(response.costUsd !== undefined ? { costUsd: response.costUsd } : {}),
            durationMs: deps.now() - startedMs,
          },
        ]);
        return response;
      } catch (error) {
        const err = error as Error & { isRetryable?: boolean; costUsd?: number; errorClass?: string };
        if (error instanceof ModelCallError && !scope.signal.aborted)
          (error.security ?? []).forEach((notice, i) => {
            recordSecurityEvent(scope, {
              eventId: `${step.id}.r${round}.a${attempt}.call${callNumber}.${i + 1}`,
              kind: notice.kind,
              stepId: step.id,
              attempt,
              detail: notice.detail,
            });
          });
        if (!scope.signal.aborted)
          writer.record([
            {
              type: "model-call-end",
              stepId: step.id,
              attempt,
              callKey,
              model,
              outcome: "error",
              error: {
                name: err.name,
                message: err.message,
                ...(err.isRetryable !== undefined ? { isRetryable: err.isRetryable } : {}),
                ...(typeof err.errorClass === "string" ? { errorClass: err.errorClass } : {}),
              },
              ...(err.costUsd !== undefined ? { costUsd: err.costUsd } : {}),
              durationMs: deps.now() - startedMs,
            },
          ]);
        throw error;
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

async function recordedResponse(
  scope: RunScope,
  result: JsonValue | undefined,
  blob: string | undefined,
): Promise<ModelResponse> {
  if (result !== undefined) return result as unknown as ModelResponse;
  const bytes = blob ? await scope.deps.store.getBlob(blob) : undefined;
  if (!bytes) throw new Error("a recorded model call result is missing from the store");
  return JSON.parse(Buffer.from(bytes).toString("utf8")) as ModelResponse;
}
