/**
 * Routing and learning end to end: `quorum run` on a workflow whose writer has routing hints and no
 * models, against the fake provider over real HTTP through the real AI SDK client; the decision is
 * journaled and `quorum explain` shows it; a low gate score plus `quorum feedback` make the next
 * run choose another model; `quorum stats models` reports both.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeProvider, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-cli-routing-"));
const db = `sqlite:${join(dir, "q.db")}`;
let fake: FakeProvider;
const savedEnv = { ...process.env };

const workflow = `quorum: 1
name: routed-writing
inputs:
  topic: { type: string }
documents:
  article: { schema: schemas/article.json }
  review: { format: markdown }
steps:
  - id: write
    kind: model
    prompt: prompts/write.md
    outputs: [article]
    routing: { task: writing, policy: best-quality }
  - id: qa
    kind: gate
    inputs: [article]
    outputs: [review]
    checks:
      - judge: { models: [fakegood/judge], rubric: [accuracy] }
`;

beforeAll(async () => {
  fake = await startFakeProvider();
  // The judge scores every article 0.2; everything else gets the schema-driven default answer.
  fake.script((request) =>
    JSON.stringify(request.body).includes('"verdict"')
      ? { type: "json", value: { scores: { accuracy: 0.2 }, findings: ["too vague"] } }
      : undefined,
  );
  for (const key of Object.keys(process.env)) if (/_API_KEY/.test(key)) delete process.env[key];
  process.env.FAKE_CHEAP_KEY = "sk-fake-cheap-0001";
  process.env.FAKE_GOOD_KEY = "sk-fake-good-0002";
  mkdirSync(join(dir, "schemas"));
  mkdirSync(join(dir, "prompts"));
  writeFileSync(
    join(dir, "schemas/article.json"),
    JSON.stringify({ type: "object", required: ["title"], properties: { title: { type: "string" } } }),
  );
  writeFileSync(join(dir, "prompts/write.md"), "Write about {{ inputs.topic }}.");
  writeFileSync(join(dir, "workflow.yaml"), workflow);
  writeFileSync(
    join(dir, "quorum.config.yaml"),
    `quorum: 1
providers:
  fakecheap: { preset: openai, baseURL: "${fake.baseURL}", apiKeyEnv: FAKE_CHEAP_KEY }
  fakegood: { preset: openai, baseURL: "${fake.baseURL}", apiKeyEnv: FAKE_GOOD_KEY }
models:
  fakecheap/mini: { capabilities: [json], price: { input: 0.1, output: 0.4 } }
  fakegood/pro: { capabilities: [json], price: { input: 3, output: 15 } }
  fakegood/judge: { capabilities: [json], price: { input: 0.05, output: 0.15 } }
`,
  );
});

afterAll(async () => {
  process.env = savedEnv;
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

const run = async () => {
  const result = await cli(
    "run",
    join(dir, "workflow.yaml"),
    "--config",
    join(dir, "quorum.config.yaml"),
    "--db",
    db,
    "-i",
    "topic=tea",
  );
  expect(result.exitCode, result.stderr + result.stdout).toBe(0);
  return /run (run_\w+)/.exec(result.stdout)![1]!;
};

interface Explained {
  decisions: Array<{
    decision: {
      source: string;
      policy: string;
      taskType: string;
      models: string[];
      candidates: Array<{ ref: string; reasons: string[] }>;
    };
    calls: Array<{ model: string; outcome: string; costUsd?: number }>;
  }>;
}
const explain = async (runId: string): Promise<Explained> =>
  JSON.parse((await cli("explain", runId, "write", "--db", db, "--json")).stdout) as Explained;

const writerModels = () =>
  fake.requests.filter((r) => !JSON.stringify(r.body).includes('"verdict"')).map((r) => r.model);

describe("routing and learning, end to end over HTTP", () => {
  let first: string;

  it("routes a step with hints only, journals the decision, and explain shows it with its calls", async () => {
    first = await run();
    const explained = await explain(first);
    expect(explained.decisions).toHaveLength(1);
    const [{ decision, calls }] = explained.decisions as [Explained["decisions"][0]];
    expect(decision).toMatchObject({ source: "routed", policy: "best-quality", taskType: "writing" });
    expect(decision.models[0]).toBe("fakegood/pro");
    expect(calls).toEqual([expect.objectContaining({ model: "fakegood/pro", outcome: "ok" })]);
    expect(calls[0]!.costUsd).toBeGreaterThan(0);
    expect(writerModels()).toEqual(["pro"]);

    const text = (await cli("explain", first, "write", "--db", db)).stdout;
    expect(text).toContain("routed — policy best-quality, task writing");
    expect(text).toMatch(/1\. fakegood\/pro {2}score/);
    expect(text).toContain("no observations yet");
    expect(text).toMatch(/→ fakegood\/pro · ok · \$0\.\d+/);
  });

  it("feedback validates its run, step and rating, with one clear paragraph each", async () => {
    const noStep = await cli("feedback", first, "wirte", "--rating", "0.5", "--db", db);
    expect(noStep.exitCode).toBe(2);
    expect(noStep.stderr).toContain("has no step 'wirte'; its steps are: write, qa");
    const badRating = await cli("feedback", first, "write", "--rating", "7", "--db", db);
    expect(badRating.exitCode).toBe(2);
    expect(badRating.stderr).toContain("--rating must be a number from 0 (useless) to 1 (perfect)");
    const noRun = await cli("feedback", "run_nope", "write", "--rating", "0.5", "--db", db);
    expect(noRun.exitCode).toBe(2);
    expect(noRun.stderr).toContain("no run 'run_nope'");
    expect(noRun.stderr).not.toMatch(/\n\s+at /);
  });

  it("a low gate score plus a bad rating make the next run choose another model", async () => {
    const rated = await cli(
      "feedback",
      first,
      "write",
      "--rating",
      "0",
      "--comment",
      "vague",
      "--as",
      "ann",
      "--db",
      db,
    );
    expect(rated.exitCode).toBe(0);
    expect(rated.stdout).toContain("fakegood/pro on writing tasks");

    const second = await run();
    const [{ decision }] = (await explain(second)).decisions as [Explained["decisions"][0]];
    expect(decision.models[0]).toBe("fakecheap/mini");
    const pro = decision.candidates.find((c) => c.ref === "fakegood/pro")!;
    expect(pro.reasons.join(" ")).toContain("from 2 observation(s)");
    expect(writerModels()).toEqual(["pro", "mini"]);
  });

  it("stats models reports quality, cost, latency and success per task type and model", async () => {
    const stats = JSON.parse((await cli("stats", "models", "--db", db, "--json")).stdout) as {
      models: Array<{
        taskType: string;
        model: string;
        quality?: number;
        calls: number;
        successRate?: number;
        gateScores: number;
        ratings: number;
        costUsd: number;
        latencyMsP50?: number;
      }>;
    };
    const pro = stats.models.find((m) => m.taskType === "writing" && m.model === "fakegood/pro")!;
    expect(pro).toMatchObject({ calls: 1, successRate: 1, gateScores: 1, ratings: 1, quality: 0.1 });
    expect(pro.costUsd).toBeGreaterThan(0);
    expect(pro.latencyMsP50).toBeGreaterThanOrEqual(0);
    const mini = stats.models.find((m) => m.taskType === "writing" && m.model === "fakecheap/mini")!;
    expect(mini).toMatchObject({ calls: 1, gateScores: 1, ratings: 0, quality: 0.2 });
    const text = (await cli("stats", "models", "--db", db, "--since", "7d")).stdout;
    expect(text).toMatch(/writing\s+fakegood\/pro\s+0\.100\s+2\s+100\.0%/);
    expect((await cli("stats", "models", "--db", db, "--since", "soon")).stderr).toContain(
      "--since must be a duration",
    );
  });
});
