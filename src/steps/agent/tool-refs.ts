/**
 * What an agent step may call. A reference in `tools:` is a server id (every tool it offers, or those
 * its `mcp.tools` lists) or `server.tool`. Each tool gets a model-facing name that is unique in the
 * request and that every provider accepts; the catalog maps it back to (server, tool).
 */
import { UnknownToolError } from "../../errors/index.js";
import type { ModelTool, ToolDefinition } from "../../spec/index.js";

export interface CatalogTool {
  server: string;
  tool: string;
  /** The name the model sees and calls. */
  modelName: string;
  definition: ToolDefinition;
}

export type ToolLister = (server: string) => Promise<readonly ToolDefinition[]>;

export function parseToolRef(ref: string): { server: string; tool?: string } {
  const dot = ref.indexOf(".");
  return dot < 0 ? { server: ref } : { server: ref.slice(0, dot), tool: ref.slice(dot + 1) };
}

/**
 * The tools behind `refs`, listing each server once. Throws `UnknownToolError` when a named tool is
 * not offered, and whatever the host throws when a server does not start.
 */
export async function resolveTools(refs: readonly string[], list: ToolLister): Promise<CatalogTool[]> {
  const parsed = refs.map(parseToolRef);
  const servers = [...new Set(parsed.map((p) => p.server))];
  const listed = new Map(await Promise.all(servers.map(async (s) => [s, await list(s)] as const)));
  const chosen: Array<{ server: string; definition: ToolDefinition }> = [];
  const seen = new Set<string>();
  for (const { server, tool } of parsed) {
    const offered = listed.get(server) ?? [];
    const picked = tool === undefined ? offered : offered.filter((t) => t.name === tool);
    if (tool !== undefined && picked.length === 0)
      throw new UnknownToolError(
        server,
        tool,
        offered.map((t) => t.name),
      );
    for (const definition of picked) {
      const key = `${server}\u0000${definition.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      chosen.push({ server, definition });
    }
  }
  const counts = new Map<string, number>();
  for (const c of chosen) counts.set(c.definition.name, (counts.get(c.definition.name) ?? 0) + 1);
  return chosen.map(({ server, definition }) => {
    const plain = safeName(definition.name);
    const modelName =
      counts.get(definition.name) === 1 && plain === definition.name
        ? plain
        : safeName(`${server}_${definition.name}`);
    return { server, tool: definition.name, modelName, definition };
  });
}

/** The catalog as the model sees it. */
export function modelTools(catalog: readonly CatalogTool[]): ModelTool[] {
  return catalog.map((c) => ({
    name: c.modelName,
    ...(c.definition.description ? { description: c.definition.description } : {}),
    inputSchema: c.definition.inputSchema,
  }));
}

/** Letters, digits, `_` and `-`, at most 64 characters: what OpenAI, Anthropic and Gemini accept. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
}
