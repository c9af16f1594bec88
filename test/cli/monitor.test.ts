/**
 * End to end: real workflows run on a temp SQLite store with scripted models, then `monitor report`,
 * `metrics export` and `monitor watch --once` read that store through the CLI; a breached rule is POSTed
 * to a real webhook server on loopback and recorded in the alert history.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MetricsExport } from "../../src/monitor/index.js";
import type { RunEvent } from "../../src/spec/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, jsonSchema, loadTestWorkflow, storeEngines } from "../runtime/harness.js";
import { cli } from "./run-cli.js";

const yaml = `quorum: 1
name: gated
inputs:
  topic: { type: string }
documents:
  doc: { schema: schemas/doc.json }
  report: { format: markdown }
defaults:
  models: [openai/gpt-4o-mini]
  retries: 1
steps:
  - id: write
    kind: model
    prompt: prompts/write.md
    outputs: [doc]
  - id: qa
    kind: gate
    inputs: [doc]
    outputs: [report]
    checks:
      - schema: true
      - judge: { models: [anthropic/claude-sonnet-4-5], rubric: [accuracy, completeness] }
    threshold: 0.75
    remediate: [write]
    maxRounds: 2
`;
const files = {
  "prompts/write.md": "Write about {{ inputs.topic }}. {{ feedback }}",
  "schemas/doc.json": jsonSchema(["body"]),
};
const verdict = (score: number) =>
  JSON.stringify({
    scores: { accuracy: score, completeness: score },
    findings: score < 0.75 ? ["thin"] : [],
  });
const engines = await storeEngines();

for (const engine of engines)
  describe.skipIf(engine.skip !== undefined)(
    `monitoring on ${engine.name}${engine.skip ? ` — skipped: ${engine.skip}` : ""}`,
    () => {
      let h: Harness;
      let db: string;
      let dir: string;
      let server: Server;
      let hookUrl: string;
      const posted: unknown[] = [];
      const runIds: string[] = [];
      let remediation: RunEvent | undefined;

      beforeAll(async () => {
        h = await engine.make();
        dir = h.dir;
        db = h.url;
        const workflow = loadTestWorkflow(yaml, files);
        // Run 1: the judge scores 0.5 (remediation), then 0.9. Run 2: 0.9 at once. Run 3: the writer fails.
        const scores = [0.5, 0.9, 0.9];
        const models = scriptedModels((request) => {
          if (request.prompt.includes("topic-3")) return new Error("provider down");
          if (request.schemaName === "verdict")
            return {
              text: verdict(scores.shift() ?? 0.9),
              model: "anthropic/claude-sonnet-4-5",
              costUsd: 0.003,
            };
          return { text: JSON.stringify({ body: "text" }), model: "openai/gpt-4o-mini", costUsd: 0.002 };
        });
        const runtime = h.runtime(models);
        for (const topic of ["topic-1", "topic-2", "topic-3"]) {
          const run = await runtime.start(workflow, { topic });
          runIds.push(run.id);
          await runtime.drive(run.id);
        }
        remediation = (await h.store.readEvents(runIds[0]!))
          .map((e) => e.event)
          .find((e) => e.type === "remediation");
        await h.store.close();

        server = createServer((req, res) => {
          let body = "";
          req.on("data", (c) => {
            body += c;
          });
          req.on("end", () => {
            posted.push(JSON.parse(body));
            res.writeHead(200).end();
          });
        });
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
      });

      afterAll(async () => {
        await new Promise<void>((resolve) => server?.close(() => resolve()));
        await h?.close().catch(() => undefined);
      });

      describe("quorum monitor report", () => {
        it("compares the period to the success metrics with measured values", async () => {
          const r = await cli("monitor", "report", "--db", db, "--json");
          expect(r.stderr).toBe("");
          expect(r.exitCode).toBe(0);
          const report = JSON.parse(r.stdout);
          // 3 runs: 2 succeeded, 1 failed. Calls: run 1 write×2 + judge×2, run 2 write + judge, run 3 write×2 (retried).
          expect(report).toMatchObject({ runs: 3, calls: 8, costUsd: 0.015, passed: false });
          const byId = Object.fromEntries(report.checks.map((c: { id: string }) => [c.id, c]));
          expect(byId["success-rate"]).toMatchObject({ status: "fail", samples: 3 });
          expect(byId["success-rate"].measured).toBeCloseTo(2 / 3, 10);
          expect(byId.quality).toMatchObject({ status: "pass", measured: 0.766667, samples: 3 });
          expect(byId["response-time-simple"]).toMatchObject({ status: "pass" });
          expect(byId["response-time-complex"]).toMatchObject({ status: "no-data", samples: 0 });
          expect(byId["security-events"]).toMatchObject({ status: "pass", measured: 0, samples: 0 });

          const text = await cli("monitor", "report", "--db", db, "--since", "1h");
          expect(text.stdout).toContain("FAIL  runs succeeded (of succeeded + failed)");
          expect(text.stdout).toContain("66.7%");
          expect((await cli("monitor", "report", "--db", db, "--fail-on-miss")).exitCode).toBe(1);
        });

        it("rejects a bad --since with a clear message", async () => {
          const r = await cli("monitor", "report", "--db", db, "--since", "yesterday");
          expect(r.exitCode).toBe(2);
          expect(r.stderr).toContain("--since 'yesterday' is not a duration; write it like 30m, 24h or 7d");
        });
      });

      describe("gate verdicts as data", () => {
        it("the remediation carries the failed verdict, and status shows each gate's latest", async () => {
          expect(remediation).toMatchObject({
            stepId: "qa",
            round: 1,
            verdict: {
              round: 1,
              passed: false,
              score: 0.5,
              threshold: 0.75,
              scores: { accuracy: 0.5, completeness: 0.5 },
              findings: 1,
            },
          });
          const json = await cli("status", runIds[0]!, "--db", db, "--json");
          expect(json.exitCode).toBe(0);
          const qa = JSON.parse(json.stdout).steps.find((s: { id: string }) => s.id === "qa");
          expect(qa.gate).toEqual({
            passed: true,
            round: 2,
            score: 0.9,
            threshold: 0.75,
            scores: { accuracy: 0.9, completeness: 0.9 },
          });
          const text = await cli("status", runIds[0]!, "--db", db);
          expect(text.stdout).toContain("qa (round 2) — gate passed, score 0.9 (threshold 0.75), round 2");
        });
      });

      describe("quorum metrics export", () => {
        it("writes per-model, per-step and per-workflow aggregates", async () => {
          const out = join(dir, "metrics.json");
          const r = await cli("metrics", "export", "--out", out, "--db", db, "--since", "24h");
          expect(r.exitCode).toBe(0);
          expect(r.stdout).toContain(`wrote metrics for 8 model calls`);
          const exported = JSON.parse(readFileSync(out, "utf8")) as MetricsExport;
          expect(exported).toMatchObject({ format: "quorum-metrics", version: 1 });
          expect(Object.keys(exported.byModel)).toEqual([
            "anthropic/claude-sonnet-4-5",
            "openai/gpt-4o-mini",
          ]);
          expect(exported.byModel["anthropic/claude-sonnet-4-5"]).toMatchObject({
            calls: 3,
            callErrors: 0,
            costUsd: 0.009,
          });
          expect(exported.byModel["openai/gpt-4o-mini"]).toMatchObject({
            calls: 5,
            callErrors: 2,
            costUsd: 0.006,
          });
          expect(exported.bySteps["gated/qa"]).toMatchObject({
            kind: "gate",
            stepClass: "simple",
            qualityCount: 3,
          });
          expect(exported.bySteps["gated/write"]).toMatchObject({ kind: "model", stepErrors: 2 });
          expect(exported.byWorkflow.gated).toMatchObject({ runsSucceeded: 2, runsFailed: 1 });
          expect(exported.successMetrics.map((c) => c.id)).toContain("quality");
        });
      });

      describe("quorum monitor watch", () => {
        it("posts a breached rule to the webhook once, records it, and does not repeat it", async () => {
          const alerts = join(dir, "quorum.alerts.yaml");
          writeFileSync(
            alerts,
            `alerts: 1
checkInterval: 30s
webhooks:
  - { url: "${hookUrl}", timeout: 2s, retries: 2 }
rules:
  - { name: runs-succeed, metric: success-rate, min: 0.95, window: 1h }
  - { name: quality, metric: quality, min: 0.8, window: 1h }
  - { name: spend, metric: cost-per-hour, max: 10 }
`,
          );
          const first = await cli("monitor", "watch", "--once", "--alerts", alerts, "--db", db);
          expect(first.stderr, first.stderr).toBe("");
          expect(first.exitCode).toBe(0);
          expect(first.stdout).toMatch(/FIRING: runs-succeed: success-rate is 66\.7% \(min 95\.0%\)/);
          expect(first.stdout).toMatch(/FIRING: quality: quality is 0\.767 \(min 0\.800\)/);
          expect(first.stdout).toContain(
            `webhook ${new URL(hookUrl).origin}/…: delivered runs-succeed firing (attempt 1)`,
          );
          expect(first.stdout).not.toContain("/alerts");
          expect(first.stdout).toContain("  ok       spend: $0.0150/h");
          expect(posted).toHaveLength(2);
          expect(posted[0]).toMatchObject({
            source: "quorum",
            version: 1,
            alert: { rule: "runs-succeed", state: "firing", metric: "success-rate", threshold: 0.95 },
          });

          const second = await cli("monitor", "watch", "--once", "--alerts", alerts, "--db", db, "--json");
          expect(second.exitCode).toBe(0);
          expect(second.stdout).toBe("");
          expect(posted).toHaveLength(2);

          const report = await cli("monitor", "report", "--db", db);
          expect(report.stdout).toContain("Alert transitions in the period (2):");
        });

        it("a missing alerts file says how to create one, exit 2", async () => {
          const r = await cli("monitor", "watch", "--once", "--alerts", join(dir, "none.yaml"), "--db", db);
          expect(r.exitCode).toBe(2);
          expect(r.stderr).toContain("does not exist; create it (docs/monitoring.md has an example");
        });

        it("an invalid alerts file is reported with line and column, exit 2", async () => {
          const bad = join(dir, "bad.alerts.yaml");
          writeFileSync(bad, "alerts: 1\nrules:\n  - { name: x, metric: latency, max: 3 }\n");
          const r = await cli("monitor", "watch", "--once", "--alerts", bad, "--db", db);
          expect(r.exitCode).toBe(2);
          expect(r.stderr).toContain(`${bad}:3:`);
          expect(r.stderr).toContain("rules[0].metric");
          expect(r.stderr).not.toContain("    at ");
        });
      });
    },
  );
