/**
 * The contract between agent steps and tool servers (v1). A step names a tool server (declared under
 * `tools:` in the workflow or quorum.config.yaml) and a tool; the tool layer starts the server, lists
 * its tools with their JSON Schemas and calls them. Steps never see transports or processes.
 */
import type { JsonValue } from "./events.js";

/** One tool as a server describes it: what the model is shown. */
export interface ToolDefinition {
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the arguments object. */
  readonly inputSchema: Record<string, unknown>;
}

/** What a tool answered. `isError`: the tool ran and reported a failure the model should see. */
export interface ToolResult {
  /** The text content of the answer (text parts joined); other parts are summarised. */
  readonly text: string;
  /** Structured content, when the tool returned one. */
  readonly structured?: JsonValue;
  readonly isError: boolean;
}

/** Where a tool server lives: an argv to spawn (stdio, no shell) or a Streamable HTTP url. */
export interface ToolServerSpec {
  readonly id: string;
  /** Directory a stdio server starts in (the declaring workflow's); relative argv paths resolve there. */
  readonly cwd?: string;
  readonly mcp?: {
    readonly command?: readonly string[];
    readonly url?: string;
    readonly tools?: readonly string[];
  };
}

export interface ToolCallOptions {
  readonly signal?: AbortSignal;
  /** Give up on the call after this long (default: the host's). */
  readonly timeoutMs?: number;
  /**
   * The journal's key for this call (or listing): the same call after a crash or in a replay has the
   * same key. `quorum replay` answers tool calls by it.
   */
  readonly callKey?: string;
}

/**
 * Every tool server a process uses, started lazily (the first list or call) and once, closed by
 * `close()`. Unknown tools and arguments that fail the tool's input schema are rejected before
 * the server is called (`ToolArgumentsError`, `UnknownToolError`).
 */
export interface ToolHost {
  readonly specificationVersion: "v1";
  listTools(server: ToolServerSpec, options?: ToolCallOptions): Promise<readonly ToolDefinition[]>;
  callTool(
    server: ToolServerSpec,
    tool: string,
    args: Record<string, JsonValue>,
    options?: ToolCallOptions,
  ): Promise<ToolResult>;
  close(): Promise<void>;
}
