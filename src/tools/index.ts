/** Tool servers for agent steps: the MCP implementation of the `ToolHost` contract. */
export { createMcpToolHost, type McpToolHostOptions } from "./mcp-host.js";
export { toolResultFromMcp } from "./result.js";
