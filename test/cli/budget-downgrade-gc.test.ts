/**
 * Budget downgrades beyond the step's own models, stale reservations and `quorum gc` of the ledger and
 * cache, end to end: the real CLI, the real model client over HTTP against the fake provider (an
 * OpenAI-compatible `acme` provider from the project config), a real SQLite store.
 * acme/big $10/$100 per MTok, acme/small $1/$10; every reply reports 1,000 input and 200 output tokens.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BudgetDowngradeEvent } from "../../src/spec/index.js";
import { openStore } from "../../src/store/index.js";
import { type FakeProvider, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-cli-downgrade-"));
const db = `sqlite:${join(dir, "q.db")}`;
const workflowFile = join(dir, "workflow.yaml");
let fake: FakeProvider;
// Keys of real providers would make their (cheaper) catalog models reachable: hide them for the test.
const savedKeys = Object.entries(process.env).filter(([name]) => name.endsWith("_API_KEY"));

beforeAll(async () => {
  fake = await startFakeProvider();
  fake.script((request) => ({
    type: "text",
    text: `notes from ${request.model}`,
    usage: { inputTokens: 1000, outputTokens: 200 },
  }));
  for (const [name] of savedKeys) delete process.env[name];
  process.env.ACME_API_KEY = "sk-test-acme-0001";
  mkdirSync(join(dir, "prompts"));
  writeFileSync(join(dir, "prompts/notes.md"), "Write release notes for the shopping-list app.");
  // The step names only the big model; its budget cannot cover it.
  writeFileSync(
    workflowFile,
    `quorum: 1
name: notes-demo
documents:
  notes: { format: text }
steps:
  - id: notes
    kind: model
    prompt: prompts/notes.md
    models: [acme/big]
    outputs: [notes]
    budget: { usd: 0.05, onExceed: downgrade }
`,
  );
  // vision: neither the built-in local models nor acme/vision-less qualify as the step's equal.
  writeFileSync(
    join(dir, "quorum.config.yaml"),
    `quorum: 1
providers:
  acme: { baseURL: "${fake.baseURL}", apiKeyEnv: ACME_API_KEY }
models:
  acme/big: { contextWindow: 100000, maxOutputTokens: 4096, capabilities: [vision], price: { input: 10, output: 100 } }
  acme/small: { contextWindow: 100000, maxOutputTokens: 4096, capabilities: [vision], price: { input: 1, output: 10 } }
  acme/blind: { contextWindow: 100000, maxOutputTokens: 4096, price: { input: 0.1, output: 1 } }
`,
  );
});

afterAll(async () => {
  delete process.env.ACME_API_KEY;
  for (const [name, value] of savedKeys) process.env[name] = value;
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("budget downgrade to catalog models, stale reservations and gc", () => {
  it("downgrades to the cheaper capable catalog model, journals why, and clears a crashed reservation at start", async () => {
    const before = await openStore(db);
    try {
      // A process that crashed mid-call left this open reservation (already past its expiry).
      await before.reserveSpend({
        id: "crashed",
        runId: "run_crashed",
        workflowName: "notes-demo",
        stepId: "notes",
        model: "acme/big",
        estimateMicroUsd: 40_000,
        limits: [],
        ttlMs: 1,
      });
      await before.putCachedResponse("stale-entry", "{}", 1);
    } finally {
      await before.close();
    }
    const run = await cli("run", workflowFile, "--db", db);
    expect(run.stdout + run.stderr).toContain("downgraded to acme/small");
    expect(run.exitCode).toBe(0);
    expect(fake.requests.map((r) => r.model)).toEqual(["small"]);
    const runId = /run (run_\w+)/.exec(run.stdout)![1]!;

    const store = await openStore(db);
    try {
      const events = (await store.readEvents(runId)).map((e) => e.event);
      const downgrade = events.find((e): e is BudgetDowngradeEvent => e.type === "budget-downgrade");
      expect(downgrade).toMatchObject({
        stepId: "notes",
        scope: "step",
        fromModels: ["acme/big"],
        toModels: ["acme/small"],
        source: "catalog",
      });
      expect(downgrade?.reason).toMatch(/step budget .*cannot cover acme\/big/);
      const crashed = (await store.listSpend()).find((r) => r.id === "crashed");
      expect(crashed).toMatchObject({ status: "settled", outcome: "expired", costMicroUsd: 0 });
    } finally {
      await store.close();
    }
  });

  it("gc deletes expired cache entries and reports the ledger sweep; a bad duration is a usage error", async () => {
    const gc = await cli("gc", "--older-than", "30d", "--db", db, "--json");
    expect(gc.exitCode).toBe(0);
    expect(JSON.parse(gc.stdout)).toMatchObject({
      runsDeleted: 0,
      reservationsExpired: 0,
      ledgerRowsDeleted: 0,
      cacheEntriesDeleted: 1,
    });
    const text = await cli("gc", "--older-than", "30d", "--db", db);
    expect(text.stdout).toContain("0 ledger rows and 0 expired cache entries");
    const bad = await cli("gc", "--older-than", "a month", "--db", db);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("must look like 30d");
  });
});
