/**
 * A child run that waits for a person, through the real CLI in fresh processes (one per command, as a
 * person would type them) on a real SQLite file, with the model served over HTTP by the fake provider:
 * the parent waits (exit 3), the inbox lists the child's request once with its parent, an answer to
 * the child and an approval through the parent's step finish both runs, a second answer changes
 * nothing, replay reproduces parent and child with no request to the provider, and a rejection inside
 * the child fails the parent.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { childWaitPrompts, childYaml, parentYaml } from "../support/child-wait-project.js";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-cli-child-waits-"));
const db = `sqlite:${join(dir, "q.db")}`;
const config = join(dir, "quorum.config.yaml");
let fake: FakeProvider;

const files: Record<string, string> = {
  "parent.yaml": parentYaml,
  "child.yaml": childYaml,
  ...childWaitPrompts,
  "schemas/doc.json": JSON.stringify({
    type: "object",
    required: ["body"],
    properties: { body: { type: "string" } },
  }),
};

interface Result {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** One `quorum` command in a process of its own (async: the fake provider lives in this one). */
function quorum(...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "src/cli/main.ts", ...args, "--db", db],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", OPENAI_API_KEY: "sk-fake-openai-0001" } },
      (error, stdout, stderr) =>
        resolve({ stdout, stderr, exitCode: error ? ((error as { code?: number }).code ?? 1) : 0 }),
    );
  });
}

beforeAll(async () => {
  mkdirSync(join(dir, "prompts"));
  mkdirSync(join(dir, "schemas"));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  fake = await startFakeProvider();
  fake.script((request) => {
    const body = JSON.stringify(request.body);
    if (body.includes("Pitch ")) return { type: "json", value: { body: "a pitch" } };
    return body.includes("Answers:")
      ? { type: "json", value: { body: body.includes("Green") ? "green tea" : "some tea" } }
      : { type: "json", value: { clarificationQuestions: ["Which tea?"] } };
  });
  writeFileSync(config, `quorum: 1\nproviders:\n  openai: { baseURL: "${fake.baseURL}" }\n`);
});

afterAll(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface InboxItem {
  runId: string;
  stepId: string;
  kind: string;
  parent?: { runId: string; stepId: string };
}

async function startWaiting(): Promise<{ parentId: string; childId: string }> {
  const run = await quorum("run", join(dir, "parent.yaml"), "--config", config, "-i", "idea=tea");
  expect(run.exitCode, run.stderr + run.stdout).toBe(3);
  const parentId = /run (run_\w+)/.exec(run.stdout)![1]!;
  return { parentId, childId: `${parentId}.research.r1a1` };
}

describe("a child run waiting for a person, from fresh processes", () => {
  it("parent waits (exit 3); answered and approved from new processes, both finish; replay is exact", async () => {
    const { parentId, childId } = await startWaiting();
    const inbox = JSON.parse((await quorum("inbox", "--json")).stdout) as InboxItem[];
    expect(inbox).toEqual([
      expect.objectContaining({
        runId: childId,
        stepId: "write",
        kind: "clarification",
        parent: { runId: parentId, stepId: "research" },
      }),
    ]);
    expect((await quorum("inbox")).stdout).toContain(`child run of ${parentId} · step research`);
    const status = await cli("status", parentId, "--db", db); // in-process: a read, no need for a process
    expect(status.stdout).toMatch(
      new RegExp(`waiting +research — waits with child run ${childId.replaceAll(".", "\\.")}`),
    );

    const answered = await quorum("answer", childId, "write", "--text", "Green", "--config", config);
    expect(answered.exitCode, answered.stderr + answered.stdout).toBe(3); // now the child's approval
    expect(answered.stdout).toContain(`recorded for ${childId} · write`);
    const again = await quorum("answer", childId, "write", "--text", "Other", "--config", config);
    // A different second answer is refused out loud (it did not count); the same one is a no-op.
    expect([again.exitCode, again.stderr]).toEqual([
      1,
      expect.stringContaining(
        'write was already answered differently ("Green"); yours ("Other") was not recorded',
      ),
    ]);

    const approved = await quorum("approve", parentId, "research", "--as", "ann", "--config", config);
    expect(approved.exitCode, approved.stderr + approved.stdout).toBe(0);
    for (const id of [parentId, childId]) {
      const status = JSON.parse((await quorum("status", id, "--json")).stdout) as { run: { status: string } };
      expect(status.run.status).toBe("succeeded");
    }
    const docs = JSON.parse((await quorum("docs", parentId, "--json")).stdout) as Array<{
      documentId: string;
    }>;
    expect(docs.map((d) => d.documentId).sort()).toEqual(["pitch", "summary"]);

    const requestsBefore = fake.requests.length;
    const replay = await quorum("replay", parentId, "--json");
    expect(replay.exitCode, replay.stderr + replay.stdout).toBe(0);
    const report = JSON.parse(replay.stdout) as {
      identical: boolean;
      unrecordedCalls: number;
      children: Array<{ runId: string; identical: boolean }>;
    };
    expect(report).toMatchObject({ identical: true, unrecordedCalls: 0 });
    expect(report.children).toEqual([expect.objectContaining({ runId: childId, identical: true })]);
    expect(fake.requests.length).toBe(requestsBefore); // zero live calls
  }, 120_000);

  it("a rejection inside the child fails the parent (exit 1)", async () => {
    const { parentId, childId } = await startWaiting();
    expect((await quorum("answer", childId, "write", "--text", "Green", "--config", config)).exitCode).toBe(
      3,
    );
    const rejected = await quorum("reject", childId, "sign-off", "--comment", "not now", "--config", config);
    expect(rejected.exitCode, rejected.stderr + rejected.stdout).toBe(1);
    const status = JSON.parse((await quorum("status", parentId, "--json")).stdout) as {
      run: { status: string };
    };
    expect(status.run.status).toBe("failed");
    expect(JSON.parse((await quorum("inbox", "--json")).stdout)).toEqual([]);
  }, 120_000);
});
