/**
 * Open one MCP session: spawn the server's argv (stdio, never through a shell, with only the SDK's
 * safe default environment, so API keys are not handed to tool servers) or connect to its Streamable
 * HTTP url. A server that cannot start says so in one paragraph with the tail of its stderr.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ToolServerError } from "../errors/index.js";
import type { ToolServerSpec } from "../spec/index.js";

export interface Session {
  client: Client;
  /** The last lines the server wrote to stderr (stdio servers), for error messages. */
  stderrTail(): string;
  close(): Promise<void>;
}

export interface ConnectOptions {
  startTimeoutMs: number;
  /** Directory a stdio server starts in when its spec names none. */
  cwd?: string;
  signal?: AbortSignal;
}

const stderrKeepChars = 2_000;

export async function connectServer(server: ToolServerSpec, options: ConnectOptions): Promise<Session> {
  const { command, url } = server.mcp ?? {};
  let stderr = "";
  let transport: Transport;
  let where: string;
  if (command && command.length > 0) {
    const stdio = new StdioClientTransport({
      command: command[0]!,
      args: [...command.slice(1)],
      stderr: "pipe",
      ...((server.cwd ?? options.cwd) ? { cwd: server.cwd ?? options.cwd } : {}),
    });
    stdio.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-stderrKeepChars);
    });
    transport = stdio;
    where = `command ${JSON.stringify(command)}`;
  } else if (url) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ToolServerError(server.id, `tool server '${server.id}': mcp.url '${url}' is not a valid URL`);
    }
    transport = new StreamableHTTPClientTransport(parsed);
    where = `url ${parsed.origin}${parsed.pathname}`;
  } else {
    throw new ToolServerError(
      server.id,
      `tool server '${server.id}' has neither mcp.command nor mcp.url; declare how to reach it under tools:`,
    );
  }
  const client = new Client({ name: "quorum", version: "1" });
  try {
    await client.connect(transport, {
      timeout: options.startTimeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    // Reap a half-started process; the start failure below is the error worth reporting.
    await client.close().catch(() => {});
    const tail = stderr.trim()
      ? ` Its stderr ended with: ${stderr.trim().split("\n").slice(-5).join(" | ")}`
      : "";
    throw new ToolServerError(
      server.id,
      `tool server '${server.id}' (${where}) did not start: ${(error as Error).message}.${tail} Check that the command exists and runs on its own, or that the url answers MCP.`,
      { cause: error },
    );
  }
  return { client, stderrTail: () => stderr, close: () => client.close() };
}
