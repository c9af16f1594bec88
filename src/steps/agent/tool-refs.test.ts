import { describe, expect, it } from "vitest";
import { UnknownToolError } from "../../errors/index.js";
import type { ToolDefinition } from "../../spec/index.js";
import { modelTools, parseToolRef, resolveTools } from "./tool-refs.js";

const def = (name: string): ToolDefinition => ({
  name,
  description: `${name}!`,
  inputSchema: { type: "object" },
});
const servers: Record<string, ToolDefinition[]> = {
  notes: [def("add"), def("read_note")],
  files: [def("read_note"), def("list.dir")],
};
const list = async (server: string) => servers[server] ?? [];

describe("tool references", () => {
  it("splits server and tool at the first dot", () => {
    expect(parseToolRef("notes")).toEqual({ server: "notes" });
    expect(parseToolRef("files.list.dir")).toEqual({ server: "files", tool: "list.dir" });
  });

  it("expands a server to its tools, dedupes, and lists each server once", async () => {
    const listed: string[] = [];
    const catalog = await resolveTools(["notes", "notes.add"], async (s) => {
      listed.push(s);
      return list(s);
    });
    expect(listed).toEqual(["notes"]);
    expect(catalog.map((c) => [c.server, c.tool, c.modelName])).toEqual([
      ["notes", "add", "add"],
      ["notes", "read_note", "read_note"],
    ]);
    expect(modelTools(catalog)[0]).toEqual({
      name: "add",
      description: "add!",
      inputSchema: { type: "object" },
    });
  });

  it("gives clashing or unsafe names a server prefix the model can call", async () => {
    const catalog = await resolveTools(["notes", "files"], list);
    expect(catalog.map((c) => c.modelName)).toEqual([
      "add",
      "notes_read_note",
      "files_read_note",
      "files_list_dir",
    ]);
  });

  it("names the tools a server does offer when one is unknown", async () => {
    const error = await resolveTools(["notes.mul"], list).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownToolError);
    expect((error as Error).message).toContain("has no tool 'mul'; it offers 'add', 'read_note'");
  });
});
