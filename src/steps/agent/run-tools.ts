/**
 * One turn's tool calls: all started at once, synchronously and in the model's order (so each takes
 * the same journal key on resume), results returned in that order. A call the model got wrong
 * (unknown tool, arguments that miss the schema) goes back to the model as an error result it can
 * correct; a server that fails or times out fails the step (retryable), after every call settled.
 */
import { ToolArgumentsError, UnknownToolError } from "../../errors/index.js";
import type { JsonValue, ModelMessage, ModelToolCall } from "../../spec/index.js";
import type { StepContext } from "../types.js";
import type { CatalogTool } from "./tool-refs.js";

export type ToolResultsMessage = Extract<ModelMessage, { role: "tool" }>;

/** A tool's answer beyond this is cut (and says so): one huge file must not blow the context window. */
export const maxToolOutputChars = 50_000;

const capped = (text: string) =>
  text.length <= maxToolOutputChars
    ? text
    : `${text.slice(0, maxToolOutputChars)}\n[... ${text.length - maxToolOutputChars} more characters cut by quorum]`;

export async function runToolCalls(
  context: StepContext,
  catalog: readonly CatalogTool[],
  calls: readonly ModelToolCall[],
): Promise<ToolResultsMessage> {
  const settled = await Promise.allSettled(
    calls.map((call) => {
      const entry = catalog.find((c) => c.modelName === call.name);
      if (!entry) {
        // The model asked for a tool this step was not given: refused, and journaled as such.
        context.reportSecurityEvent(
          "tool-denied",
          `the model asked for tool '${call.name.slice(0, 80)}', which step '${context.step.id}' was not given; the call was refused`,
        );
        return Promise.resolve({
          output: `there is no tool named '${call.name}'; use one of: ${catalog.map((c) => c.modelName).join(", ")}`,
          isError: true,
        });
      }
      // No await before callTool: the call must start (and take its number) synchronously.
      return context.callTool(entry.server, entry.tool, call.args as Record<string, JsonValue>).then(
        (result) => ({
          output: capped(
            result.text || (result.structured !== undefined ? JSON.stringify(result.structured) : ""),
          ),
          isError: result.isError,
        }),
        (error: unknown) => {
          if (error instanceof ToolArgumentsError || error instanceof UnknownToolError)
            return { output: error.message, isError: true };
          throw error;
        },
      );
    }),
  );
  const failure = settled.find((s) => s.status === "rejected");
  if (failure) throw (failure as PromiseRejectedResult).reason;
  return {
    role: "tool",
    results: settled.map((s, i) => {
      const { output, isError } = (s as PromiseFulfilledResult<{ output: string; isError: boolean }>).value;
      return { id: calls[i]!.id, name: calls[i]!.name, output, ...(isError ? { isError } : {}) };
    }),
  };
}
