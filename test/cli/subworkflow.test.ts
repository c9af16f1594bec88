/** A `workflow` step through the CLI, in-process on a real SQLite file: the child run prints indented under its step. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-cli-subflow-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files: Record<string, string> = {
  "parent.yaml": `quorum: 1
name: parent
inputs:
  idea: { type: string }
documents:
  summary: { schema: schemas/doc.json }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - id: research
    kind: workflow
    workflow: child.yaml
    with:
      topic: "{{ inputs.idea }} for teams"
    outputs: [summary]
`,
  "child.yaml": `quorum: 1
name: child
inputs:
  topic: { type: string, required: true }
documents:
  summary: { schema: schemas/doc.json }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - id: summarize
    kind: model
    prompt: prompts/summarize.md
    outputs: [summary]
`,
  "prompts/summarize.md": "Summarize {{ inputs.topic }}",
  "schemas/doc.json": JSON.stringify({
    type: "object",
    required: ["body"],
    properties: { body: { type: "string" } },
  }),
};

describe("quorum run with a workflow step", () => {
  it("runs the child run, prints it under its step, and stores the document in the parent", async () => {
    mkdirSync(join(dir, "prompts"));
    mkdirSync(join(dir, "schemas"));
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    const db = `sqlite:${join(dir, "q.db")}`;
    const run = await cli("run", join(dir, "parent.yaml"), "--dry-run", "--db", db, "-i", "idea=tea");
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/ {2}research\.r1a1 › ✔ summarize/);
    expect(run.stdout).toContain("summary v1");
    const runs = JSON.parse((await cli("runs", "--db", db, "--json")).stdout) as unknown;
    expect(JSON.stringify(runs)).toContain(".research.r1a1");
  });
});
