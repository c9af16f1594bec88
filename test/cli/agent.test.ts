/**
 * `quorum run` with an agent step whose MCP server is declared in quorum.config.yaml: the real CLI
 * composition (tool host, config tool servers, closing them), the real model client against the fake
 * provider, a real stdio MCP server, SQLite. Plus a dry run that starts no server.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { cli } from "./run-cli.js";

const fixture = join(import.meta.dirname, "../fixtures/mcp-notes-server.mjs");
const dir = mkdtempSync(join(tmpdir(), "quorum-cli-agent-"));
const db = `sqlite:${join(dir, "q.db")}`;
const log = join(dir, "calls.log");
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
  writeFileSync(
    join(dir, "quorum.config.yaml"),
    `quorum: 1
providers:
  fakeai: { preset: openai, baseURL: "${fake.baseURL}", apiKeyEnv: FAKEAI_API_KEY }
models:
  fakeai/gpt-4o-mini: { capabilities: [json, tools] }
tools:
  notes:
    description: Notes and arithmetic
    mcp:
      command: ["/usr/bin/env", "NOTES_CALL_LOG=${log}", "NOTES_LOG_EXIT=1", "${process.execPath}", "${fixture}"]
      tools: [add, read_note]
`,
  );
  writeFileSync(
    join(dir, "workflow.yaml"),
    `quorum: 1
name: notes-agent
documents:
  answer: { schema: answer.json }
steps:
  - id: research
    kind: agent
    prompt: research.md
    models: [fakeai/gpt-4o-mini]
    tools: [notes.add, notes.read_note]
    outputs: [answer]
`,
  );
  writeFileSync(
    join(dir, "answer.json"),
    JSON.stringify({
      type: "object",
      required: ["sum", "note"],
      properties: { sum: { type: "number" }, note: { type: "string" } },
    }),
  );
  writeFileSync(join(dir, "research.md"), "Add 2 and 40 and read the meeting note.");
});
afterAll(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("quorum run with an agent step", () => {
  it("dry-runs without starting the tool server", async () => {
    const result = await cli("run", join(dir, "workflow.yaml"), "--dry-run", "--db", db);
    expect(result.exitCode).toBe(0);
    expect(existsSync(log)).toBe(false);
  });

  it("runs the loop over MCP and the fake provider, then closes the server", async () => {
    fake.script((request) => {
      const messages = (request.body as { messages: Array<{ role: string; content: unknown }> }).messages;
      const results = messages.filter((m) => m.role === "tool").map((m) => String(m.content));
      return results.length === 0
        ? {
            type: "tool-calls",
            calls: [
              { name: "add", input: { a: 2, b: 40 } },
              { name: "read_note", input: { name: "meeting" } },
            ],
          }
        : { type: "json", value: { sum: Number(results[0]), note: results[1] } };
    });
    process.env.FAKEAI_API_KEY = "sk-fake-0001";
    try {
      const result = await cli("run", join(dir, "workflow.yaml"), "--db", db, "--json");
      expect(result.stderr).toBe("");
      expect(result.exitCode).toBe(0);
      const runId = (JSON.parse(result.stdout) as { runId: string }).runId;
      const out = join(dir, "out");
      expect((await cli("docs", "export", runId, "--out", out, "--db", db)).exitCode).toBe(0);
      expect(JSON.parse(readFileSync(join(out, "answer.json"), "utf8"))).toEqual({
        sum: 42,
        note: "Thursday 10:00 with the platform team",
      });
      // Both calls made by one server process, which the CLI closed when the command ended.
      await expect
        .poll(() => readFileSync(log, "utf8").trim().split("\n"), { timeout: 10_000 })
        .toEqual([expect.any(String), expect.any(String), "exit"]);
      expect(readFileSync(log, "utf8").trim().split("\n").slice(0, 2).sort()).toEqual(["add", "read_note"]);
    } finally {
      delete process.env.FAKEAI_API_KEY;
    }
  });
});

describe("examples/notes-briefing", () => {
  it("runs end to end: the server starts from the example's directory, the loop reads every note", async () => {
    const config = join(dir, "briefing.config.yaml");
    writeFileSync(
      config,
      `quorum: 1\nproviders:\n  openai: { preset: openai, baseURL: "${fake.baseURL}" }\n`,
    );
    fake.reset();
    fake.script((request) => {
      const messages = (request.body as { messages: Array<{ role: string; content: unknown }> }).messages;
      const results = messages.filter((m) => m.role === "tool").map((m) => String(m.content));
      if (results.length === 0) return { type: "tool-calls", calls: [{ name: "list_notes", input: {} }] };
      if (results.length === 1)
        return {
          type: "tool-calls",
          calls: results[0]!.split("\n").map((name) => ({ name: "read_note", input: { name } })),
        };
      return {
        type: "json",
        value: {
          summary: "The importer ships Dec 1; bad-row errors are open.",
          decisions: [results[1]!.split(".")[0]!],
          openItems: [{ item: "error messages for bad rows", owner: "Ben" }],
        },
      };
    });
    const savedKey = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = "sk-fake-0002";
    try {
      const result = await cli(
        "run",
        "examples/notes-briefing/workflow.yaml",
        "--config",
        config,
        "--db",
        db,
        "--json",
      );
      expect(result.stderr).toBe("");
      expect(result.exitCode).toBe(0);
      const runId = (JSON.parse(result.stdout) as { runId: string }).runId;
      const out = join(dir, "briefing-out");
      expect((await cli("docs", "export", runId, "--out", out, "--db", db)).exitCode).toBe(0);
      const briefing = JSON.parse(readFileSync(join(out, "briefing.json"), "utf8")) as {
        decisions: string[];
      };
      expect(briefing.decisions).toEqual(["Agreed: ship the importer by Dec 1"]);
      // Turn 3 saw the listing and both notes, read in one turn.
      expect(fake.requests).toHaveLength(3);
      const last = (fake.requests[2]!.body as { messages: Array<{ role: string }> }).messages;
      expect(last.filter((m) => m.role === "tool")).toHaveLength(3);
    } finally {
      if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = savedKey;
    }
  });
});
