/**
 * A 50 MB document end to end (issue 3: "a 50 MB document must work"): a model answers 50 MB over
 * real HTTP (the fake provider), the run journals it as one content-addressed blob (the answer's text
 * and the document are the same bytes), `docs` lists it,
 * `docs export` writes it back byte for byte, and `replay` reproduces it from the journal alone.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { writeFakeProviderProject } from "../support/fake-provider-project.js";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-big-"));
const db = `sqlite:${join(dir, "q.db")}`;
let workflow: string;
let config: string;
const savedEnv = { ...process.env };
// 50 MB and a little more, not a multiple of any chunk size.
const big = `# Big\n\n${"lorem ipsum dolor sit amet, ".repeat(1_872_500)}end`;
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider();
  // Streamed in 1 MB deltas (the default 8 characters would make millions of SSE events).
  fake.script(() => ({ type: "text", text: big, chunkChars: 1_000_000 }));
  ({ workflow, config } = writeFakeProviderProject(
    dir,
    fake.baseURL,
    `quorum: 1
name: big
documents: { report: { format: markdown } }
defaults: { models: [openai/gpt-4o-mini] }
steps:
  - { id: report, kind: model, prompt: prompts/report.md, outputs: [report] }
`,
    {
      "prompts/report.md": "Write the full report.",
    },
  ));
  process.env.OPENAI_API_KEY = "sk-fake-big-0001";
});

afterAll(async () => {
  process.env = savedEnv;
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("runs, lists, exports byte for byte and replays a 50 MB document", { timeout: 120_000 }, async () => {
  expect(big.length).toBeGreaterThan(50 * 1024 * 1024);
  const run = await cli("run", workflow, "--db", db, "--config", config, "--json");
  expect(run.exitCode, run.stderr).toBe(0);
  const summary = JSON.parse(run.stdout) as { runId: string; documents: Array<{ sizeBytes: number }> };
  expect(summary.documents.map((d) => d.sizeBytes)).toEqual([big.length]);

  // Stored once: the answer's text and the document made of it are one content-addressed blob.
  const dbFile = join(dir, "q.db");
  const storedBytes = [dbFile, `${dbFile}-wal`].reduce(
    (n, f) => n + (existsSync(f) ? statSync(f).size : 0),
    0,
  );
  expect(storedBytes).toBeLessThan(big.length * 1.2);

  const listed = await cli("docs", summary.runId, "--db", db);
  expect(listed.stdout).toContain(`${big.length} bytes`);
  const out = join(dir, "out");
  expect((await cli("docs", "export", summary.runId, "--out", out, "--db", db)).exitCode).toBe(0);
  expect(readFileSync(join(out, "report.md"), "utf8") === big).toBe(true);

  const replay = await cli("replay", summary.runId, "--db", db);
  expect(replay.exitCode, replay.stderr).toBe(0);
  expect(replay.stdout).toContain("1 model call answered from the journal, 0 not in it (0 live calls made)");
  expect(replay.stdout).toContain("identical: the run reproduces exactly");
  expect(fake.requests).toHaveLength(1);
});
