/**
 * `examples/coordinator` through the CLI, in-process on a real SQLite file: the arbiter loop
 * (a dry run: the stub always picks the first route, so the loop runs to `maxDecisions`), and
 * the same workflow as a static pipeline with `--static`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-cli-coordinator-"));
const db = `sqlite:${join(dir, "q.db")}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const example = "examples/coordinator/workflow.yaml";

describe("quorum run examples/coordinator", () => {
  it("arbiter mode: journaled decisions, bounded by maxDecisions, unchosen routes skipped", async () => {
    const run = await cli("run", example, "--dry-run", "--db", db, "-i", "task=Why is it slow?");
    expect(run.stderr).toBe("");
    expect(run.exitCode).toBe(0);
    expect(run.stdout.match(/◆ coordinator decision \d: coding/g)).toHaveLength(6);
    expect(run.stdout).toContain("○ analysis-specialist skipped: arbiter 'coordinator' never chose it");
    expect(run.stdout).toMatch(/✔ synthesis/);
    expect(run.stdout).toContain("coding-notes v6");
  });

  it("--static: no decision, every specialist once, then synthesis", async () => {
    const run = await cli("run", example, "--dry-run", "--static", "--db", db, "-i", "task=Why?", "--json");
    expect(run.exitCode).toBe(0);
    const summary = JSON.parse(run.stdout) as { status: string; runId: string };
    expect(summary.status).toBe("succeeded");
    const status = JSON.parse((await cli("status", summary.runId, "--db", db, "--json")).stdout) as {
      steps: Array<{ id: string; status: string }>;
    };
    expect(status.steps.map((s) => `${s.id}:${s.status}`)).toEqual([
      "coordinator:succeeded",
      "coding-specialist:succeeded",
      "reasoning-specialist:succeeded",
      "analysis-specialist:succeeded",
      "synthesis:succeeded",
    ]);
  });
});
