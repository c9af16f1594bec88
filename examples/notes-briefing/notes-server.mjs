#!/usr/bin/env node
/**
 * A minimal MCP server over stdio, written with the official SDK: the team's meeting notes as two
 * tools, `list_notes` and `read_note`. Stands in for any MCP server (files, issue tracker, wiki).
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const notes = {
  "2026-11-16-planning": "Agreed: ship the importer by Dec 1. Risk: the CSV edge cases. Owner: Ana.",
  "2026-11-19-review": "Importer demo went well. Open: error messages for bad rows. Owner: Ben.",
};

const server = new McpServer({ name: "meeting-notes", version: "1.0.0" });
server.registerTool("list_notes", { description: "Names of all meeting notes, oldest first." }, async () => ({
  content: [{ type: "text", text: Object.keys(notes).join("\n") }],
}));
server.registerTool(
  "read_note",
  { description: "The text of one meeting note.", inputSchema: { name: z.string() } },
  async ({ name }) =>
    name in notes
      ? { content: [{ type: "text", text: notes[name] }] }
      : { content: [{ type: "text", text: `no note named '${name}'` }], isError: true },
);
await server.connect(new StdioServerTransport());
