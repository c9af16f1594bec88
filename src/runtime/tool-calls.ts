/**
 * The journaled tool calls of one step attempt (the `listTools`/`callTool` half of StepContext).
 * Same rule as model calls: a call's key hashes (step, round, attempt, tool call number, server,
 * tool, arguments); `tool-call-start` is durable before the call leaves, `tool-call-end` records the
 * result, and on resume a recorded result is returned without calling the server again.
 * Listings are journaled too (`<server>:tools/list`, once per server and attempt): the tools are part
 * of every model request of the loop, hence of its journal keys, so a resume or a replay must see
 * the same list even if the server changed, and needs no server at all when everything is recorded.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { JsonValue, Step, ToolDefinition, ToolResult, ToolServerSpec } from "../spec/index.js";
import type { StepContext } from "../steps/types.js";
import { WorkflowNotRunnableError } from "./errors.js";
import { sha256, stableStringify } from "./hash.js";
import { inlineResultBytes, readResult } from "./recorded-results.js";
import type { RunScope } from "./types.js";

/**
 * The declaration of `server`: the workflow's own `tools:` first (started in the workflow file's
 * directory, like `check` commands, so relative argv paths work), then quorum.config.yaml's.
 */
export function toolServer(scope: Pick<RunScope, "workflow" | "deps">, server: string): ToolServerSpec {
  const own = scope.workflow.tools[server];
  if (own) {
    // A workflow loaded from memory (tests, API) has no directory: the process's is used.
    const dir = dirname(resolve(scope.workflow.source.file));
    return existsSync(dir) ? { ...own, cwd: dir } : own;
  }
  const spec = scope.deps.toolServers?.[server];
  if (!spec)
    throw new WorkflowNotRunnableError(
      `tool server '${server}' is not declared; add it under tools: in the workflow or in quorum.config.yaml`,
    );
  return spec;
}

export function makeToolCalls(
  scope: RunScope,
  step: Step,
  attempt: number,
  round: number,
): Pick<StepContext, "listTools" | "callTool"> {
  const { deps, writer, index } = scope;
  let calls = 0;
  const listings = new Map<string, Promise<readonly ToolDefinition[]>>();
  const host = () => {
    if (scope.dryRun) throw new Error("a dry run never calls tools; this is a bug in the step executor");
    if (!deps.tools)
      throw new WorkflowNotRunnableError(
        "this runtime has no tool host (RuntimeDeps.tools), so agent steps cannot call tools",
      );
    return deps.tools;
  };

  /**
   * Answer from the journal when `keyed` was recorded; else journal the start (durably, before the
   * call leaves), make the call, and record its end.
   */
  async function journaled<T>(
    name: string,
    keyed: unknown,
    call: (callKey: string) => Promise<T>,
  ): Promise<T> {
    const callKey = sha256(stableStringify(keyed));
    const recorded = index.toolCallEnds.get(callKey);
    if (recorded) return readResult(scope.deps.store, recorded, "tool call") as Promise<T>;
    await writer.append([{ type: "tool-call-start", stepId: step.id, attempt, callKey, tool: name }]);
    const startedMs = deps.now();
    try {
      const result = await call(callKey);
      const json = JSON.stringify(result);
      const blob =
        json.length > inlineResultBytes ? await deps.store.putBlob(Buffer.from(json, "utf8")) : undefined;
      // Recorded, not awaited: it commits before the step's end, through the same ordered writer.
      writer.record([
        {
          type: "tool-call-end",
          stepId: step.id,
          attempt,
          callKey,
          tool: name,
          outcome: "ok",
          ...(blob ? { resultBlob: blob, blobs: [blob] } : { result: result as unknown as JsonValue }),
          durationMs: deps.now() - startedMs,
        },
      ]);
      return result;
    } catch (error) {
      const err = error as Error & { isRetryable?: boolean };
      if (!scope.signal.aborted)
        writer.record([
          {
            type: "tool-call-end",
            stepId: step.id,
            attempt,
            callKey,
            tool: name,
            outcome: "error",
            error: {
              name: err.name,
              message: err.message,
              ...(err.isRetryable !== undefined ? { isRetryable: err.isRetryable } : {}),
            },
            durationMs: deps.now() - startedMs,
          },
        ]);
      throw error;
    }
  }

  return {
    listTools(server): Promise<readonly ToolDefinition[]> {
      let listed = listings.get(server);
      if (!listed) {
        listed = journaled(
          `${server}:tools/list`,
          { step: step.id, round, attempt, listTools: server },
          (callKey) =>
            host()
              .listTools(toolServer(scope, server), { signal: scope.signal, callKey })
              .then((tools) => ({ tools })),
        ).then((r) => r.tools);
        listings.set(server, listed);
      }
      return listed;
    },
    callTool(server, tool, args): Promise<ToolResult> {
      const keyed = { step: step.id, round, attempt, toolCall: ++calls, request: { server, tool, args } };
      return journaled(`${server}.${tool}`, keyed, (callKey) =>
        host().callTool(toolServer(scope, server), tool, args, { signal: scope.signal, callKey }),
      );
    },
  };
}
