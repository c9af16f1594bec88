/**
 * The MCP implementation of `ToolHost`: one session per server, opened on first use and reused by
 * every step and run of the process, re-opened if the server exits, closed by `close()`. Calls are
 * checked (known tool, arguments fit the input schema) before they leave, carry the caller's
 * AbortSignal (the server is sent a cancellation) and a timeout.
 */
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { ToolArgumentsError, ToolServerError, ToolTimeoutError, UnknownToolError } from "../errors/index.js";
import type {
  JsonValue,
  ToolCallOptions,
  ToolDefinition,
  ToolHost,
  ToolResult,
  ToolServerSpec,
} from "../spec/index.js";
import { argumentProblems } from "./arguments.js";
import { connectServer, type Session } from "./connect.js";
import { toolResultFromMcp } from "./result.js";

export interface McpToolHostOptions {
  /** How long a server may take to start and answer `initialize` (default 30 s). */
  startTimeoutMs?: number;
  /** Default per-call timeout (default 60 s). */
  callTimeoutMs?: number;
  /** Directory stdio servers start in when their spec names none; default the process's. */
  cwd?: string;
}

/** MCP's JSON-RPC code for a request that timed out on the client side. */
const requestTimeoutCode = -32001;

interface Entry {
  session: Promise<Session>;
  tools?: Promise<ToolDefinition[]>;
}

export function createMcpToolHost(options: McpToolHostOptions = {}): ToolHost {
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const callTimeoutMs = options.callTimeoutMs ?? 60_000;
  const entries = new Map<string, Entry>();
  let closed = false;

  const keyOf = (server: ToolServerSpec) =>
    JSON.stringify([server.id, server.mcp ?? null, server.cwd ?? null]);

  function entryFor(server: ToolServerSpec): Entry {
    if (closed) throw new ToolServerError(server.id, `tool server '${server.id}': the tool host is closed`);
    const key = keyOf(server);
    let entry = entries.get(key);
    if (!entry) {
      const session = connectServer(server, {
        startTimeoutMs,
        ...(options.cwd ? { cwd: options.cwd } : {}),
      });
      const created: Entry = { session };
      entry = created;
      entries.set(key, created);
      session.then(
        (s) => {
          // A server that exits is started again on the next use instead of failing every later call.
          s.client.onclose = () => {
            if (entries.get(key) === created) entries.delete(key);
          };
        },
        () => {
          if (entries.get(key) === created) entries.delete(key);
        },
      );
    }
    return entry;
  }

  async function listTools(server: ToolServerSpec, call: ToolCallOptions = {}): Promise<ToolDefinition[]> {
    const entry = entryFor(server);
    entry.tools ??= (async () => {
      const session = await entry.session;
      const tools: ToolDefinition[] = [];
      let cursor: string | undefined;
      do {
        const page = await session.client
          .listTools(cursor ? { cursor } : {}, requestOptions(call, callTimeoutMs))
          .catch((error: unknown) => {
            throw asToolError(server.id, "tools/list", error, call.timeoutMs ?? callTimeoutMs);
          });
        for (const t of page.tools)
          tools.push({
            name: t.name,
            ...(t.description ? { description: t.description } : {}),
            inputSchema: t.inputSchema as Record<string, unknown>,
          });
        cursor = page.nextCursor;
      } while (cursor);
      const allowed = server.mcp?.tools;
      return allowed ? tools.filter((t) => allowed.includes(t.name)) : tools;
    })();
    const pending = entry.tools;
    // A failed listing is not cached: the next caller asks again.
    pending.catch(() => {
      if (entry.tools === pending) delete entry.tools;
    });
    return pending;
  }

  return {
    specificationVersion: "v1",
    listTools,
    async callTool(server, tool, args, call = {}): Promise<ToolResult> {
      call.signal?.throwIfAborted();
      const tools = await listTools(server, call);
      const definition = tools.find((t) => t.name === tool);
      if (!definition)
        throw new UnknownToolError(
          server.id,
          tool,
          tools.map((t) => t.name),
        );
      const problems = argumentProblems(definition.inputSchema, args);
      if (problems.length > 0) throw new ToolArgumentsError(server.id, tool, problems);
      const session = await entryFor(server).session;
      const timeoutMs = call.timeoutMs ?? callTimeoutMs;
      try {
        const result = await session.client.callTool(
          { name: tool, arguments: args as Record<string, JsonValue> },
          undefined,
          requestOptions(call, callTimeoutMs),
        );
        return toolResultFromMcp(result);
      } catch (error) {
        if (call.signal?.aborted) throw call.signal.reason ?? error;
        throw asToolError(server.id, tool, error, timeoutMs);
      }
    },
    async close() {
      closed = true;
      const sessions = [...entries.values()].map((e) => e.session);
      entries.clear();
      const results = await Promise.allSettled(
        sessions.map(async (s) => {
          const session = await s.catch(() => undefined); // never started: nothing to close
          await session?.close();
        }),
      );
      const failed = results.find((r) => r.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
    },
  };
}

function requestOptions(call: ToolCallOptions, defaultTimeoutMs: number) {
  return { timeout: call.timeoutMs ?? defaultTimeoutMs, ...(call.signal ? { signal: call.signal } : {}) };
}

function asToolError(server: string, tool: string, error: unknown, timeoutMs: number): Error {
  if (error instanceof McpError && error.code === requestTimeoutCode)
    return new ToolTimeoutError(server, tool, timeoutMs);
  if (error instanceof ToolServerError) return error;
  return new ToolServerError(server, `tool '${server}.${tool}' failed: ${(error as Error).message}`, {
    cause: error,
  });
}
