/**
 * Budgets, the response cache and `quorum costs` end to end: real runs through the CLI, the real model
 * client over HTTP against the fake provider, a real SQLite store. Prices are set in the project config
 * so every figure is exact: big-model $10/$100 per MTok, small-model $1/$10; every reply reports
 * 1,000 input and 200 output tokens, so a big call costs $0.030000 and a small one $0.003000.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/index.js";
import { type FakeProvider, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-cli-costs-"));
const db = `sqlite:${join(dir, "q.db")}`;
const workflowFile = join(dir, "workflow.yaml");
let fake: FakeProvider;
const savedKey = process.env.OPENAI_API_KEY;

const workflow = `quorum: 1
name: cost-demo
budget: { usd: 1 }
documents:
  brief: { format: text }
  summary: { format: text }
  review: { format: text }
steps:
  - id: brief
    kind: model
    prompt: prompts/brief.md
    models: [openai/big-model]
    outputs: [brief]
    cache: { ttl: 1h }
  - id: summary
    kind: model
    prompt: prompts/summary.md
    inputs: [brief]
    outputs: [summary]
    models: [openai/big-model, openai/small-model]
    budget: { usd: 0.1, onExceed: downgrade }
  - id: review
    kind: model
    prompt: prompts/review.md
    inputs: [summary]
    outputs: [review]
    models: [openai/big-model]
    budget: { usd: 0.01 }
`;

beforeAll(async () => {
  fake = await startFakeProvider();
  fake.script((request) => ({
    type: "text",
    text: `answer from ${request.model}`,
    usage: { inputTokens: 1000, outputTokens: 200 },
  }));
  process.env.OPENAI_API_KEY = "sk-test-costs-0001";
  mkdirSync(join(dir, "prompts"));
  writeFileSync(join(dir, "prompts/brief.md"), "Write a one-line brief about shopping lists.");
  writeFileSync(join(dir, "prompts/summary.md"), "Summarise:\n{{ documents.brief }}");
  writeFileSync(join(dir, "prompts/review.md"), "Review:\n{{ documents.summary }}");
  writeFileSync(workflowFile, workflow);
  writeFileSync(
    join(dir, "quorum.config.yaml"),
    `quorum: 1
providers:
  openai: { baseURL: "${fake.baseURL}" }
models:
  openai/big-model: { contextWindow: 100000, maxOutputTokens: 4096, price: { input: 10, output: 100 } }
  openai/small-model: { contextWindow: 100000, maxOutputTokens: 4096, price: { input: 1, output: 10 } }
budgets:
  daily: { usd: 5 }
`,
  );
});

afterAll(async () => {
  if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
  else process.env.OPENAI_API_KEY = savedKey;
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

const runIdOf = (stdout: string): string => /run (run_\w+)/.exec(stdout)![1]!;

describe("budgets, cache and quorum costs", () => {
  it("downgrades, stops on a step budget, answers a cached step for free, and reports exact costs", async () => {
    const first = await cli("run", workflowFile, "--db", db);
    expect(first.exitCode).toBe(1);
    expect(first.stdout + first.stderr).toContain("Step 'review' was stopped by the step budget");
    const run1 = runIdOf(first.stdout);
    // brief on the big model, summary downgraded to the small one, review never sent.
    expect(fake.requests.map((r) => r.model)).toEqual(["big-model", "small-model"]);

    const second = await cli("run", workflowFile, "--db", db);
    expect(second.exitCode).toBe(1);
    const run2 = runIdOf(second.stdout);
    // Calls made, as the ledger counts them, plus the cache's answer; the refused review was never sent.
    expect(second.stdout).toContain("2 model calls (1 from the response cache) ·");
    // The cached brief is not sent again; the summary (not cached) is.
    expect(fake.requests.map((r) => r.model)).toEqual(["big-model", "small-model", "small-model"]);

    const store = await openStore(db);
    try {
      const ends = (await store.readEvents(run2))
        .map((e) => e.event)
        .filter((e) => e.type === "model-call-end");
      expect(ends.map((e) => [e.stepId, e.outcome, e.costUsd])).toEqual([
        ["brief", "ok", 0],
        ["summary", "ok", 0.003],
        ["review", "error", undefined],
      ]);
      expect(ends[2]).toMatchObject({ error: { name: "BudgetExceededError", isRetryable: false } });
      const brief = ends[0]! as { result?: { cacheHit?: boolean }; cacheHit?: true };
      expect(brief.result?.cacheHit).toBe(true);
      expect(brief.cacheHit).toBe(true);
    } finally {
      await store.close();
    }

    const report = JSON.parse((await cli("costs", "--db", db, "--json")).stdout) as {
      total: { costMicroUsd: number; calls: number };
      byRun: Array<{ key: string; costMicroUsd: number; status: string }>;
      byStep: Array<{ key: string; costMicroUsd: number; calls: number }>;
      byModel: Array<{ key: string; costMicroUsd: number; calls: number }>;
    };
    expect(report.total).toMatchObject({ costMicroUsd: 36_000, calls: 3 });
    expect(report.byRun).toEqual([
      expect.objectContaining({ key: run1, costMicroUsd: 33_000, status: "failed" }),
      expect.objectContaining({ key: run2, costMicroUsd: 3_000, status: "failed" }),
    ]);
    expect(report.byStep.map((l) => [l.key, l.costMicroUsd, l.calls])).toEqual([
      ["cost-demo/brief", 30_000, 1],
      ["cost-demo/summary", 6_000, 2],
    ]);
    expect(report.byModel.map((l) => [l.key, l.costMicroUsd])).toEqual([
      ["openai/big-model", 30_000],
      ["openai/small-model", 6_000],
    ]);

    const text = await cli("costs", "--run", run1, "--db", db);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain(`Costs of run ${run1}: $0.033000 over 2 calls`);
    expect(text.stdout).toMatch(/cost-demo\/summary\s+\$0\.003000 {2}1 call/);
  });

  it("asks for approval when an `ask` budget would be exceeded, and goes on once approved", async () => {
    const askFile = join(dir, "ask.yaml");
    writeFileSync(
      askFile,
      workflow
        .replace("name: cost-demo", "name: ask-demo")
        .replace("cache: { ttl: 1h }", "budget: { usd: 0.01, onExceed: ask }"),
    );
    const before = fake.requests.length;
    const started = await cli("run", askFile, "--db", db);
    expect(started.exitCode).toBe(3);
    const runId = runIdOf(started.stdout);
    expect(fake.requests.length).toBe(before);
    const inbox = JSON.parse((await cli("inbox", "--db", db, "--json")).stdout) as Array<{
      runId: string;
      stepId: string;
      prompt: string;
    }>;
    const request = inbox.find((r) => r.runId === runId)!;
    expect(request).toMatchObject({ stepId: "brief" });
    expect(request.prompt).toContain("Step 'brief' was stopped by the step budget");
    const approved = await cli(
      "approve",
      runId,
      "brief",
      "--as",
      "ann",
      "--db",
      db,
      "--config",
      join(dir, "quorum.config.yaml"),
    );
    // brief (approved, big model) then summary (downgraded); review stops on its own budget.
    expect(approved.stdout + approved.stderr).toContain("Step 'review' was stopped by the step budget");
    expect(fake.requests.slice(before).map((r) => r.model)).toEqual(["big-model", "small-model"]);
    const costs = JSON.parse((await cli("costs", "--run", runId, "--db", db, "--json")).stdout) as {
      total: { costMicroUsd: number };
    };
    expect(costs.total.costMicroUsd).toBe(33_000);
  });

  it("explains a bad --since and an unknown run", async () => {
    const since = await cli("costs", "--since", "a week", "--db", db);
    expect(since.exitCode).toBe(2);
    expect(since.stderr).toContain("--since 'a week' is not a duration");
    const unknown = await cli("costs", "--run", "run_nope", "--db", db);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("no run 'run_nope'");
  });
});
