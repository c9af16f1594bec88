/**
 * A store that stays locked while a real `quorum run` process is mid-run (another process holds
 * SQLite's write lock past the busy timeout): the run stops with the way back (exit 1, `quorum resume
 * RUN`), loses nothing journaled, and a later `resume` finishes it. The model calls go over real HTTP
 * to the fake provider; the lock is a real second connection.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { type FakeProvider, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { writeFakeProviderProject } from "../support/fake-provider-project.js";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-locked-"));
const dbPath = join(dir, "q.db");
// Writes give up after 300 ms of waiting for the lock, so the test does not sit out the 5 s default.
const db = `sqlite:${dbPath}?busy_timeout_ms=300`;
let workflow: string;
let config: string;
const savedEnv = { ...process.env };
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
  let calls = 0;
  // The first answer takes 1.5 s: the lock is taken while it is in flight.
  fake.script(() =>
    ++calls === 1
      ? { type: "text", text: "# Draft\n\nfirst", latencyMs: 1_500 }
      : { type: "text", text: `# Text ${calls}\n\nmore` },
  );
  ({ workflow, config } = writeFakeProviderProject(
    dir,
    fake.baseURL,
    `quorum: 1
name: locked
documents: { draft: { format: markdown }, review: { format: markdown } }
defaults: { models: [openai/gpt-4o-mini] }
steps:
  - { id: draft, kind: model, prompt: prompts/draft.md, outputs: [draft] }
  - { id: review, kind: model, prompt: prompts/review.md, inputs: [draft], outputs: [review] }
`,
    { "prompts/draft.md": "Write a draft.", "prompts/review.md": "Review {{ documents.draft }}." },
  ));
  process.env.OPENAI_API_KEY = "sk-fake-locked-0001";
});

afterAll(async () => {
  process.env = savedEnv;
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("a run whose store stays locked stops with the way back (exit 1); resume finishes it, nothing lost", async () => {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "src/cli/main.ts", "run", workflow, "--db", db, "--config", config],
    { env: { ...process.env, NO_COLOR: "1" } },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  while (fake.requests.length === 0 && !done) await new Promise((r) => setTimeout(r, 10));
  expect(fake.requests.length, stderr).toBe(1);
  const locker = new Database(dbPath);
  locker.exec("BEGIN IMMEDIATE");
  let code: number | null;
  try {
    code = await exited;
  } finally {
    locker.exec("ROLLBACK");
    locker.close();
  }
  const runId = /run (run_\w+)/.exec(stdout)?.[1];
  expect(code, stderr).toBe(1);
  expect(stderr).toMatch(
    new RegExp(
      `^error: store .*q\\.db is unavailable: the database stayed locked by another connection for more than 300 ms\\..* nothing journaled is lost\\. Continue it with 'quorum resume ${runId}'`,
    ),
  );
  expect(stderr).not.toMatch(/\n\s+at /);

  const resumed = await cli("resume", runId!, "--db", db, "--config", config);
  expect(resumed.exitCode, resumed.stderr).toBe(0);
  // The draft was in flight when the run stopped: it goes on, and says so.
  expect(resumed.stdout).toContain("▶ draft (resumed)\n");
  // The draft's answer never reached the journal, so it was in flight at the stop and ran again, once.
  expect(fake.requests.length).toBe(3);
  expect(resumed.stdout).toContain("3 model calls (1 cut off by a crash or stop: cost unknown)");
  const store = await openStore(db);
  try {
    expect((await store.getRun(runId!))?.status).toBe("succeeded");
    const ends = (await store.readEvents(runId!)).filter((e) => e.event.type === "model-call-end");
    expect(ends).toHaveLength(2);
  } finally {
    await store.close();
  }
});
