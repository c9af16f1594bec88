/**
 * The MCP tool host against a real MCP server (test/fixtures/mcp-notes-server.mjs), over stdio
 * (a spawned node process) and over Streamable HTTP (loopback): listing, calling, argument
 * checks, unknown tools, servers that do not start, timeouts and cancellation.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HttpNotesServer, startHttpNotesServer } from "../../test/fixtures/mcp-http.js";
import { ToolArgumentsError, ToolServerError, ToolTimeoutError, UnknownToolError } from "../errors/index.js";
import type { ToolServerSpec } from "../spec/index.js";
import { createMcpToolHost } from "./mcp-host.js";

const fixture = join(import.meta.dirname, "../../test/fixtures/mcp-notes-server.mjs");
let http: HttpNotesServer;
let dir: string;
beforeAll(async () => {
  http = await startHttpNotesServer();
  dir = mkdtempSync(join(tmpdir(), "quorum-mcp-"));
});
afterAll(async () => {
  await http.stop();
  rmSync(dir, { recursive: true, force: true });
});

const stdioServer = (log: string): ToolServerSpec => ({
  id: "notes",
  mcp: { command: ["/usr/bin/env", `NOTES_CALL_LOG=${log}`, process.execPath, fixture] },
});

describe.each([
  { transport: "stdio", server: () => stdioServer(join(dir, "list.log")) },
  { transport: "http", server: () => ({ id: "notes", mcp: { url: http.url } }) },
])("over $transport", ({ server }) => {
  it("lists the tools with their input schemas and calls them", async () => {
    const host = createMcpToolHost();
    try {
      const tools = await host.listTools(server());
      expect(tools.map((t) => t.name)).toEqual(["add", "read_note", "slow"]);
      expect(tools[0]!.inputSchema).toMatchObject({ type: "object", required: ["a", "b"] });
      expect(await host.callTool(server(), "add", { a: 2, b: 40 })).toEqual({ text: "42", isError: false });
      expect(await host.callTool(server(), "read_note", { name: "nope" })).toEqual({
        text: "no note named 'nope'",
        isError: true,
      });
    } finally {
      await host.close();
    }
  });

  it("rejects unknown tools and bad arguments before calling the server", async () => {
    const host = createMcpToolHost();
    try {
      const unknown = await host.callTool(server(), "mul", { a: 1 }).catch((e: unknown) => e);
      expect(unknown).toBeInstanceOf(UnknownToolError);
      expect((unknown as Error).message).toContain("tool server 'notes' has no tool 'mul'; it offers 'add'");
      const bad = await host.callTool(server(), "add", { a: "two" }).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(ToolArgumentsError);
      expect((bad as Error).message).toBe(
        "arguments for tool 'notes.add' do not fit its input schema: (arguments) must have required property 'b'; /a must be number",
      );
    } finally {
      await host.close();
    }
  });
});

describe("stdio servers", () => {
  it("starts a server once per host, however many calls, and only when first used", async () => {
    const log = join(dir, "once.log");
    const host = createMcpToolHost();
    try {
      await Promise.all([1, 2, 3].map((b) => host.callTool(stdioServer(log), "add", { a: 1, b })));
      expect(readFileSync(log, "utf8").trim().split("\n")).toEqual(["add", "add", "add"]);
    } finally {
      await host.close();
    }
  });

  it("says clearly when a server does not start", async () => {
    const host = createMcpToolHost({ startTimeoutMs: 5_000 });
    const missing = { id: "ghost", mcp: { command: ["/nonexistent/mcp-server", "--stdio"] } };
    const error = await host.listTools(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolServerError);
    expect((error as Error).message).toMatch(
      /^tool server 'ghost' \(command \["\/nonexistent\/mcp-server","--stdio"\]\) did not start: .*Check that the command exists/,
    );
    const crashing = {
      id: "crash",
      mcp: { command: [process.execPath, "-e", "console.error('boom: no config'); process.exit(3)"] },
    };
    const crashed = await host.listTools(crashing).catch((e: unknown) => e);
    expect((crashed as Error).message).toContain("boom: no config");
    await host.close();
  });

  it("times a call out and cancels a call on abort, telling the server", async () => {
    const log = join(dir, "slow.log");
    const host = createMcpToolHost();
    try {
      const timedOut = await host
        .callTool(stdioServer(log), "slow", { ms: 5_000 }, { timeoutMs: 200 })
        .catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(ToolTimeoutError);
      const controller = new AbortController();
      const call = host.callTool(stdioServer(log), "slow", { ms: 5_000 }, { signal: controller.signal });
      setTimeout(() => controller.abort(new Error("step cancelled")), 100);
      await expect(call).rejects.toThrow("step cancelled");
      await expect
        .poll(() => readFileSync(log, "utf8").trim().split("\n"), { timeout: 10_000 })
        .toEqual(["slow", "slow:cancelled", "slow", "slow:cancelled"]);
    } finally {
      await host.close();
    }
  });

  it("refuses calls after close", async () => {
    const host = createMcpToolHost();
    await host.close();
    await expect(host.listTools(stdioServer(join(dir, "closed.log")))).rejects.toThrow(
      "the tool host is closed",
    );
  });
});
