/**
 * The tool host of `quorum replay`: every listing and call is answered by its journal key from the
 * recorded run, no server is started. The pre-run check (which has no key) gets the run's recorded
 * listing of that server. A call the journal does not have counts as unrecorded and fails.
 */
import type {
  JsonValue,
  Store,
  ToolCallEndEvent,
  ToolDefinition,
  ToolHost,
  ToolResult,
} from "../spec/index.js";

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
    return (await recorded(source, end.result, end.resultBlob)) as T;
  };
  return {
    specificationVersion: "v1",
    async listTools(server, options) {
      if (options?.callKey) return (await answer<{ tools: ToolDefinition[] }>(options.callKey)).tools;
      const listing = [...ends.values()].find(
        (e) => e.tool === `${server.id}:tools/list` && e.outcome === "ok",
      );
      return listing
        ? (await recorded<{ tools: ToolDefinition[] }>(source, listing.result, listing.resultBlob)).tools
        : [];
    },
    callTool: (_server, _tool, _args, options) => answer<ToolResult>(options?.callKey),
    close: async () => {},
  };
}

async function recorded<T>(
  store: Store,
  result: JsonValue | undefined,
  blob: string | undefined,
): Promise<T> {
  if (result !== undefined) return result as unknown as T;
  const bytes = blob ? await store.getBlob(blob) : undefined;
  if (!bytes) throw new Error("a recorded tool call result is missing from the store");
  return JSON.parse(Buffer.from(bytes).toString("utf8")) as T;
}
