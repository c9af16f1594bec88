/**
 * The `summarise` context policy end to end: the real CLI, the real model client over HTTP against the
 * fake provider (an OpenAI-compatible `acme` provider from the project config), a real SQLite store.
 * acme/writer holds only 500 tokens, so the report step's prompt (with a ~700-token research document)
 * does not fit; the document is summarised by acme/reader, a paid, ledgered, journaled call.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { type FakeProvider, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-cli-summarise-"));
const db = `sqlite:${join(dir, "q.db")}`;
const workflowFile = join(dir, "workflow.yaml");
let fake: FakeProvider;
const longResearch = "Shoppers want shared lists, offline sync and barcode scanning. ".repeat(60);

beforeAll(async () => {
  fake = await startFakeProvider();
  fake.script((request) => {
    const body = JSON.stringify(request.body);
    const text = body.includes("Summarise the document")
      ? "Shared lists, offline sync, barcode scanning."
      : body.includes("Research shopping")
        ? longResearch
        : "The report.";
    return { type: "text", text, usage: { inputTokens: 1000, outputTokens: 200 } };
  });
  process.env.ACME_API_KEY = "sk-test-acme-0002";
  mkdirSync(join(dir, "prompts"));
  writeFileSync(join(dir, "prompts/research.md"), "Research shopping-list apps.");
  writeFileSync(join(dir, "prompts/report.md"), "Write a report from:\n{{ documents.research }}");
  writeFileSync(
    workflowFile,
    `quorum: 1
name: summarise-cli
documents:
  research: { format: text, context: { policy: summarise, summariseWith: [acme/reader] } }
  report: { format: text }
steps:
  - id: research
    kind: model
    prompt: prompts/research.md
    models: [acme/reader]
    outputs: [research]
  - id: report
    kind: model
    prompt: prompts/report.md
    inputs: [research]
    models: [acme/writer]
    outputs: [report]
`,
  );
  writeFileSync(
    join(dir, "quorum.config.yaml"),
    `quorum: 1
providers:
  acme: { baseURL: "${fake.baseURL}", apiKeyEnv: ACME_API_KEY }
models:
  acme/writer: { contextWindow: 500, maxOutputTokens: 100, price: { input: 10, output: 100 } }
  acme/reader: { contextWindow: 100000, maxOutputTokens: 4096, price: { input: 1, output: 10 } }
`,
  );
});

afterAll(async () => {
  delete process.env.ACME_API_KEY;
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("summarises the research for the small-window writer, bills the summary and journals it", async () => {
  const run = await cli("run", workflowFile, "--db", db);
  expect(run.stderr).toBe("");
  expect(run.exitCode).toBe(0);
  expect(fake.requests.map((r) => r.model)).toEqual(["reader", "reader", "writer"]);
  const summaryRequest = JSON.stringify(fake.requests[1]!.body);
  expect(summaryRequest).toContain("Summarise the document 'research'");
  const reportRequest = JSON.stringify(fake.requests[2]!.body);
  expect(reportRequest).toContain("Shared lists, offline sync, barcode scanning.");
  expect(reportRequest).not.toContain(longResearch.trim());
  const runId = /run (run_\w+)/.exec(run.stdout)![1]!;

  const costs = JSON.parse((await cli("costs", "--run", runId, "--db", db, "--json")).stdout) as {
    byStep: Array<{ key: string; costMicroUsd: number; calls: number }>;
  };
  // research: reader $0.003; report: the summary (reader, $0.003) and the writer call ($0.030).
  expect(costs.byStep.map((l) => [l.key, l.calls, l.costMicroUsd])).toEqual([
    ["summarise-cli/report", 2, 33_000],
    ["summarise-cli/research", 1, 3_000],
  ]);

  const store = await openStore(db);
  try {
    const ends = (await store.readEvents(runId))
      .map((e) => e.event)
      .flatMap((e) => (e.type === "model-call-end" && e.stepId === "report" ? [e] : []));
    expect(ends.map((e) => [e.model, e.outcome, e.error?.name])).toEqual([
      ["acme/writer", "error", "ContextWindowError"],
      ["acme/reader", "ok", undefined],
      ["acme/writer", "ok", undefined],
    ]);
  } finally {
    await store.close();
  }
});
