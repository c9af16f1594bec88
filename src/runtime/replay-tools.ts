/**
 * The tool host of `quorum replay`: every listing and call is answered by its journal key from the
 * recorded run, no server is started. The pre-run check (which has no key) gets the run's recorded
 * listing of that server. A call the journal does not have counts as unrecorded and fails.
 */
import type { Store, ToolCallEndEvent, ToolDefinition, ToolHost, ToolResult } from "../spec/index.js";
import { readResult } from "./recorded-results.js";

export function replayToolHost(
  source: Store,
  ends: ReadonlyMap<string, ToolCallEndEvent>,
  counters: { answered: number; unrecorded: number },
): ToolHost {
  const answer = async <T>(callKey: string | undefined): Promise<T> => {
    const end = callKey ? ends.get(callKey) : undefined;
    if (!end) {
      counters.unrecorded++;
      throw Object.assign(
        new Error("replay: this tool call is not in the journal (the run did not replay deterministically)"),
        { name: "ReplayDivergence", isRetryable: false },
      );
    }
    counters.answered++;
    if (end.outcome === "error")
      throw Object.assign(new Error(end.error?.message ?? "recorded failure"), {
        name: end.error?.name ?? "Error",
        isRetryable: end.error?.isRetryable ?? true,
      });
    return (await readResult(source, end, "tool call")) as T;
  };
  return {
    specificationVersion: "v1",
    async listTools(server, options) {
      if (options?.callKey) return (await answer<{ tools: ToolDefinition[] }>(options.callKey)).tools;
      const listing = [...ends.values()].find(
        (e) => e.tool === `${server.id}:tools/list` && e.outcome === "ok",
      );
      return listing
        ? (
            (await readResult(source, listing, "tool call")) as unknown as {
              tools: ToolDefinition[];
            }
          ).tools
        : [];
    },
    callTool: (_server, _tool, _args, options) => answer<ToolResult>(options?.callKey),
    close: async () => {},
  };
}
