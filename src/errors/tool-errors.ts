/**
 * Errors of the tool layer. `isRetryable` drives the step: a server that did not start or timed out
 * may work on a later attempt; an unknown tool or bad arguments will not without a change. Agent
 * steps hand `UnknownToolError` and `ToolArgumentsError` back to the model as a tool error instead,
 * so it can correct its call. Messages say what, where and how to fix, never contain secrets.
 */

/** The server could not be started or reached, or its connection broke. */
export class ToolServerError extends Error {
  override name = "ToolServerError";
  readonly isRetryable = true;
  constructor(
    readonly server: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The server does not offer the tool, or the workflow does not allow it. */
export class UnknownToolError extends Error {
  override name = "UnknownToolError";
  readonly isRetryable = false;
  constructor(
    readonly server: string,
    readonly tool: string,
    readonly available: readonly string[],
  ) {
    super(
      `tool server '${server}' has no tool '${tool}'${
        available.length > 0 ? `; it offers ${available.map((t) => `'${t}'`).join(", ")}` : ""
      }. Fix the name under tools: (or mcp.tools) in the workflow or quorum.config.yaml.`,
    );
  }
}

/** The arguments do not satisfy the tool's input schema; nothing was sent to the server. */
export class ToolArgumentsError extends Error {
  override name = "ToolArgumentsError";
  readonly isRetryable = false;
  constructor(
    readonly server: string,
    readonly tool: string,
    readonly problems: readonly string[],
  ) {
    super(`arguments for tool '${server}.${tool}' do not fit its input schema: ${problems.join("; ")}`);
  }
}

/** The call took longer than its timeout; the server was asked to cancel it. */
export class ToolTimeoutError extends Error {
  override name = "ToolTimeoutError";
  readonly isRetryable = true;
  constructor(
    readonly server: string,
    readonly tool: string,
    readonly timeoutMs: number,
  ) {
    super(
      `tool '${server}.${tool}' did not answer within ${timeoutMs} ms; raise the timeout or check the server`,
    );
  }
}
