/**
 * The run commands end to end, in-process, on a real SQLite file: a dry run that waits for its
 * approval, the inbox, approve, status, docs and export, and the refusal to run without a provider.
 */

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-cli-run-"));
const db = `sqlite:${join(dir, "q.db")}`;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A project folder under `dir`: `workflow.yaml` and the given files; returns the workflow's path. */
function writeProject(name: string, files: Record<string, string>, workflowYaml: string): string {
  const project = join(dir, name);
  for (const [path, text] of Object.entries({ ...files, "workflow.yaml": workflowYaml })) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), text);
  }
  return join(project, "workflow.yaml");
}

/**
 * A dry run of `workflow` (default: the strategy document) on its own store `name.db`, left waiting for
 * its sign-off; returns its id, the store's URL and the flags that reach it.
 */
async function waitingRun(name: string, workflow = "examples/strategy-document/workflow.yaml") {
  const db = `sqlite:${join(dir, `${name}.db`)}`;
  const args = ["--dry-run", "--db", db];
  const started = await cli("run", workflow, ...args, "-i", "idea=x");
  expect(started.exitCode).toBe(3);
  return { runId: /run (run_\w+)/.exec(started.stdout)![1]!, db, args };
}

/** A dry run of the strategy document on the shared store, with these flags. */
const dryRunStrategy = (...flags: string[]) =>
  cli("run", "examples/strategy-document/workflow.yaml", "--dry-run", "--db", db, ...flags);

describe("quorum run", () => {
  it("runs the strategy document as a dry run, waits for approval, then finishes", async () => {
    const run = await dryRunStrategy("-i", "idea=A shopping list");
    expect(run.exitCode).toBe(3);
    expect(run.stdout).toContain("DRY RUN");
    expect(run.stdout).toMatch(/✔ discovery dry-run\/stub/);
    const runId = /run (run_\w+)/.exec(run.stdout)![1]!;

    const inbox = JSON.parse((await cli("inbox", "--db", db, "--json")).stdout) as Array<{
      runId: string;
      stepId: string;
      kind: string;
    }>;
    expect(inbox).toEqual([expect.objectContaining({ runId, stepId: "sign-off", kind: "approval" })]);

    const approved = await cli("approve", runId, "sign-off", "--as", "ann", "--db", db, "--dry-run");
    expect(approved.exitCode).toBe(0);
    expect(approved.stdout).toContain("SUCCEEDED (dry run");
    expect((await cli("approve", runId, "sign-off", "--db", db)).stdout).toContain(
      "already answered (approve by ann); nothing changed",
    );
    // The same decision with a comment is still the same decision.
    const commented = await cli("approve", runId, "sign-off", "--comment", "still yes", "--db", db);
    expect([commented.exitCode, commented.stdout]).toEqual([0, expect.stringContaining("nothing changed")]);
    const contrary = await cli("reject", runId, "sign-off", "--as", "bob", "--db", db);
    expect(contrary.exitCode).toBe(1);
    expect(contrary.stderr).toContain(
      "sign-off was already answered differently (approve by ann); yours (reject) was not recorded",
    );

    const status = JSON.parse((await cli("status", runId, "--db", db, "--json")).stdout) as {
      steps: Array<{ id: string; status: string }>;
    };
    expect(status.steps.every((s) => s.status === "succeeded")).toBe(true);

    const out = join(dir, "out");
    expect((await cli("docs", "export", runId, "--out", out, "--db", db)).exitCode).toBe(0);
    const requirements = JSON.parse(readFileSync(join(out, "requirements.json"), "utf8")) as object;
    expect(typeof requirements).toBe("object");
    expect(existsSync(join(out, "qa-report.md"))).toBe(true);
    // An output path the file system refuses: one clear line, not a hang (Node's recursive mkdir spins
    // forever under /proc) nor an "internal error".
    const refusals = [
      join(out, "qa-report.md", "sub"),
      ...(process.platform === "linux" ? ["/proc/quorum-x/y"] : []),
    ];
    for (const bad of refusals) {
      const refused = await cli("docs", "export", runId, "--out", bad, "--db", db);
      expect(refused.exitCode, bad).toBe(2);
      expect(refused.stderr, bad).toMatch(/^error: cannot write the documents to '.*': .*Choose a directory/);
      expect(refused.stderr, bad).not.toContain("internal error");
    }
    expect((await cli("cancel", runId, "--db", db)).stdout).toContain("already finished");
  });

  it("never drives a run another process holds: resume refuses, an answer is left to that process", async () => {
    const { runId, db: lockedDb, args } = await waitingRun("leased");
    // Another process (a worker, a second `resume`) leases the waiting run, as it would to drive it.
    const other = await openStore(lockedDb);
    try {
      expect(await other.leaseRun("other-host:42", runId, 60_000)).toBeDefined();
      const refused = await cli("resume", runId, ...args);
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toMatch(
        new RegExp(`^error: run ${runId} is being driven by other-host:42 \\(its lease runs (59|60) s more`),
      );
      const answered = await cli("approve", runId, "sign-off", ...args);
      expect(answered.exitCode).toBe(0);
      expect(answered.stdout).toContain(`run ${runId} is being driven by other-host:42, which continues it`);
      expect((await other.getRun(runId))?.status).not.toBe("succeeded");
      expect((await other.readEvents(runId)).filter((e) => e.event.type === "model-call-start")).toHaveLength(
        (await other.readEvents(runId)).filter((e) => e.event.type === "model-call-end").length,
      );
      // Once that process lets go, resume drives it here.
      expect(await other.releaseRun("other-host:42", runId)).toBe(true);
      const resumed = await cli("resume", runId, ...args);
      expect(resumed.exitCode).toBe(0);
      expect((await other.getRun(runId))?.leaseOwner).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it("an answer recorded while the run's driver is stopping is driven here, not left to nobody", async () => {
    const { runId, db: settlingDb, args } = await waitingRun("settling");
    const other = await openStore(settlingDb);
    try {
      // A driver past its last look for answers: it holds the lease a moment more, then lets go.
      expect(await other.leaseRun("other-host:43", runId, 60_000)).toBeDefined();
      const letGo = new Promise((done) => setTimeout(done, 300)).then(() =>
        other.releaseRun("other-host:43", runId),
      );
      const answered = await cli("approve", runId, "sign-off", ...args);
      expect(await letGo).toBe(true);
      expect(answered.exitCode).toBe(0);
      expect(answered.stdout).not.toContain("which continues it");
      expect(answered.stdout).toContain("SUCCEEDED (dry run");
      expect((await other.getRun(runId))?.status).toBe("succeeded");
    } finally {
      await other.close();
    }
  });

  it("takes over at once a run whose lease a killed process on this machine still holds", async () => {
    const { runId, db: leasedDb, args } = await waitingRun("killed");
    const gone = spawnSync(process.execPath, ["-e", ""]).pid; // a pid that no longer runs
    const store = await openStore(leasedDb);
    try {
      expect(await store.leaseRun(`${hostname()}:${gone}`, runId, 30_000)).toBeDefined();
      const resumed = await cli("resume", runId, ...args);
      expect(resumed.exitCode).toBe(3); // driven here, to the sign-off it waits for
      expect(resumed.stderr).toContain(
        `taking over run ${runId} from ${hostname()}:${gone}, which no longer runs`,
      );
      expect((await store.getRun(runId))?.leaseOwner).toBeUndefined(); // given back when the command ended
    } finally {
      await store.close();
    }
  });

  it("says when the workflow's files changed since the run started, and keeps the pinned definition", async () => {
    const project = join(dir, "drift");
    cpSync("examples/strategy-document", project, { recursive: true });
    const workflow = join(project, "workflow.yaml");
    const { runId, args } = await waitingRun("drift", workflow);
    const unchanged = await cli("resume", runId, ...args);
    expect(unchanged.stderr).not.toContain("note:");
    writeFileSync(join(project, "prompts", "qa-review.md"), "Review it, briefly.\n");
    const resumed = await cli("resume", runId, ...args);
    expect(resumed.exitCode).toBe(3); // still waiting for the same sign-off: the pinned definition runs
    expect(resumed.stderr).toContain(
      `note: ${workflow} (or a file it uses) changed since run ${runId} started; the run goes on with the definition it started with.`,
    );
  });

  it("refuses an input given twice instead of silently keeping the last", async () => {
    const result = await dryRunStrategy("-i", "idea=x", "-i", "idea=y");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--input idea is given twice; give each input once");
  });

  it("refuses to start without a provider and says how to add one", async () => {
    const saved = { ...process.env };
    for (const key of Object.keys(process.env)) if (/_API_KEY/.test(key)) delete process.env[key];
    try {
      const result = await cli("run", "examples/strategy-document/workflow.yaml", "--db", db, "-i", "idea=x");
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain("no model provider is available");
      expect(result.stderr).toContain("--dry-run");
    } finally {
      process.env = saved;
    }
  });

  it("starts when only a step behind `when:` cannot reach a model, and warns about that step", async () => {
    const workflow = writeProject(
      "conditional",
      { "prompts/deep.md": "Go deep." },
      `quorum: 1
name: conditional
inputs:
  deep: { type: boolean }
documents:
  analysis: { format: markdown }
steps:
  - { id: sign-off, kind: approval }
  - { id: deep-dive, kind: model, models: [anthropic/claude-sonnet-4-5], prompt: prompts/deep.md, outputs: [analysis], when: inputs.deep, needs: [sign-off] }
`,
    );
    const saved = { ...process.env };
    for (const key of Object.keys(process.env)) if (/_API_KEY/.test(key)) delete process.env[key];
    try {
      const result = await cli("run", workflow, "--db", db, "-i", "deep=false");
      expect(result.stderr).toContain("warning: no model of 'deep-dive' can be reached");
      expect(result.stderr).not.toContain("no model provider is available");
      expect(result.exitCode).toBe(3);
    } finally {
      process.env = saved;
    }
  });

  it("maps over a list input read from a file (--input name=@file), and explains one that is not a list", async () => {
    const tickets = JSON.stringify([{ title: "a" }, { title: "b" }, { title: "c" }]);
    const workflow = writeProject(
      "tickets",
      { "prompts/triage.md": "Triage {{ item.title }}.", "tickets.json": tickets, "tickets.txt": "a, b, c" },
      `quorum: 1
name: triage
inputs: { tickets: { type: list } }
documents: { notes: { format: markdown } }
defaults: { models: [openai/gpt-4o-mini] }
steps:
  - { id: triage, kind: map, prompt: prompts/triage.md, over: inputs.tickets, concurrency: 2, outputs: [notes] }
`,
    );
    const runWith = (file: string, ...flags: string[]) =>
      cli("run", workflow, "--dry-run", "--db", db, "-i", `tickets=@${join(dir, "tickets", file)}`, ...flags);
    const ok = await runWith("tickets.json", "--json");
    expect(ok.exitCode).toBe(0);
    expect((JSON.parse(ok.stdout) as { status: string }).status).toBe("succeeded");
    const bad = await runWith("tickets.txt");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain(
      `error: input 'tickets' must be a JSON array, but file '${join(dir, "tickets", "tickets.txt")}' is not valid JSON: Unexpected token 'a', "a, b, c" is not valid JSON; e.g.`,
    );
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    // A fork's input override names its file the same way, and starts nothing.
    const { runId } = JSON.parse(ok.stdout) as { runId: string };
    const runsBefore = (await cli("runs", "--db", db, "--json")).stdout;
    const badFork = await cli(
      "fork",
      runId,
      "--from",
      "triage",
      "--db",
      db,
      "--dry-run",
      "-i",
      `tickets=@${join(dir, "tickets", "tickets.txt")}`,
    );
    expect(badFork.exitCode).toBe(2);
    expect(badFork.stderr).toContain(`file '${join(dir, "tickets", "tickets.txt")}' is not valid JSON`);
    expect((await cli("runs", "--db", db, "--json")).stdout).toBe(runsBefore);
  });

  it("a fork's summary counts only its own calls; the reused steps' are the source run's", async () => {
    const source = await dryRunStrategy("-i", "idea=a tool", "--json");
    const original = JSON.parse(source.stdout) as { runId: string; modelCalls: number };
    expect(original.modelCalls).toBe(4);
    const fork = await cli("fork", original.runId, "--from", "qa-review", "--dry-run", "--db", db, "--json");
    expect(fork.exitCode).toBe(3);
    const forked = JSON.parse(fork.stdout) as { modelCalls: number; forkedFrom: string };
    expect(forked).toMatchObject({ modelCalls: 1, forkedFrom: original.runId });
  });

  it("explains bad inputs and unknown runs without a stack trace", async () => {
    const bad = await dryRunStrategy("-i", "audience=martians");
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("missing required input 'idea'");
    expect(bad.stderr).toContain("input 'audience' must be one of");
    const unknown = await cli("status", "run_nope", "--db", db);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("no run 'run_nope'");
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
  });
});
