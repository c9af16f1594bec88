/**
 * Security events in real runs (real engine, runtime, store and model client): a step that fails
 * closed on sensitive content journals exactly one `security-event`, whether the router or the model
 * client refused it; running the run again does not journal it twice; and the monitor's
 * "security events per hour" rule fires from that event. Gate verdicts reach the journal as data.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { builtinCatalog, createModelClient, createStepRouter, mergeCatalog } from "../../src/models/index.js";
import { describeSteps, evaluateRules, extractSamples, normalizeAlerts } from "../../src/monitor/index.js";
import { AlertsFile, type JournalEntry, type RunEvent, type SecurityEvent } from "../../src/spec/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { cli } from "../cli/run-cli.js";
import { type Harness, jsonSchema, loadTestWorkflow, storeEngines } from "./harness.js";

const files = {
  "prompts/write.md": "Write about {{ inputs.topic }}.",
  "schemas/doc.json": jsonSchema(["body"]),
};
const sensitive = (routing: string) => `quorum: 1
name: private
inputs:
  topic: { type: string }
documents:
  doc: { schema: schemas/doc.json, sensitive: true }
steps:
  - id: write
    kind: model
    prompt: prompts/write.md
    outputs: [doc]
${routing}`;

const securityEvents = (entries: readonly JournalEntry[]) =>
  entries.map((e) => e.event).filter((e): e is SecurityEvent => e.type === "security-event");

const alerts = normalizeAlerts(
  AlertsFile.parse({ alerts: 1, rules: [{ name: "blocked", metric: "security-events-per-hour", max: 0 }] }),
);

const engines = await storeEngines();

describe.each(engines)("security events ($name)", ({ make, skip }) => {
  let h: Harness;
  beforeEach(async (context) => {
    if (skip) context.skip(skip);
    h = await make();
  });
  afterEach(async () => {
    await h?.close();
  });

  it("the router failing closed journals one privacy event, and the monitor's rule fires", async () => {
    const models = scriptedModels(() => '{"body":"x"}');
    const router = createStepRouter({
      catalog: builtinCatalog(),
      providerUnavailable: (id) => (id === "groq" ? undefined : `${id}: no key`),
      now: Date.now,
    });
    const runtime = h.runtime(models, { router });
    const workflow = loadTestWorkflow(sensitive("    routing: { task: writing }\n"), files);
    const run = await runtime.start(workflow, { topic: "payroll" });
    expect(await runtime.drive(run.id)).toBe("failed");
    expect(models.calls).toHaveLength(0);
    const entries = await h.store.readEvents(run.id);
    expect(securityEvents(entries)).toEqual([
      {
        type: "security-event",
        eventId: "write.r1.a1.1.privacy",
        kind: "privacy-fail-closed",
        stepId: "write",
        attempt: 1,
        detail:
          "step 'write' handles sensitive content and no local model qualifies (document); nothing was sent to a hosted provider",
      },
    ]);
    // Journaled before the step's failure, which the engine still decides from alone.
    const types = entries.map((e) => e.event.type);
    expect(types.indexOf("security-event")).toBeLessThan(types.indexOf("step-error"));

    // Driving the finished run again changes nothing.
    expect(await runtime.drive(run.id)).toBe("failed");
    expect(securityEvents(await h.store.readEvents(run.id))).toHaveLength(1);

    const { samples } = extractSamples(
      { runId: run.id, workflow: workflow.name, steps: describeSteps(workflow) },
      entries,
    );
    expect(samples.filter((s) => s.type === "security")).toHaveLength(1);
    const { results, transitions } = evaluateRules(alerts.rules, samples, Date.now(), {});
    expect(results[0]).toMatchObject({ status: "firing", value: 1 });
    expect(transitions).toMatchObject([{ rule: "blocked", state: "firing" }]);

    // The same through the CLI, reading the store like an operator's cron job would.
    const file = join(h.dir, "quorum.alerts.yaml");
    writeFileSync(
      file,
      "alerts: 1\nrules:\n  - { name: blocked, metric: security-events-per-hour, max: 0 }\n",
    );
    const watched = await cli("monitor", "watch", "--once", "--alerts", file, "--db", h.url);
    expect(watched.stderr).toBe("");
    expect(watched.stdout).toMatch(/FIRING: blocked: security-events-per-hour is 1\.00\/h/);
    const report = JSON.parse(
      (await cli("monitor", "report", "--since", "1h", "--db", h.url, "--json")).stdout,
    );
    expect(report.checks.find((c: { id: string }) => c.id === "security-events")).toMatchObject({
      measured: 1,
      samples: 1,
    });
  });

  it("the model client failing closed (no local provider) journals one privacy event", async () => {
    const catalog = mergeCatalog(
      { providers: {}, models: {} },
      { providers: { hosted: { preset: "openai", baseURL: "http://127.0.0.1:9/v1" } }, models: {} },
    );
    const client = createModelClient({ catalog, env: { OPENAI_API_KEY: "sk-hosted-0001" } });
    // No router: the step's routing hints go unused and the model client picks, from local models only.
    const runtime = h.runtime(client);
    const workflow = loadTestWorkflow(sensitive("    routing: { task: writing }\n"), files);
    const run = await runtime.start(workflow, { topic: "payroll" });
    expect(await runtime.drive(run.id)).toBe("failed");
    const entries = await h.store.readEvents(run.id);
    expect(securityEvents(entries)).toMatchObject([
      {
        kind: "privacy-fail-closed",
        stepId: "write",
        attempt: 1,
        eventId: "write.r1.a1.call1.1",
        detail: "a sensitive request had no available local model; nothing was sent to a hosted provider",
      },
    ]);
    const error = entries
      .map((e) => e.event)
      .find((e): e is RunEvent & { type: "step-error" } => e.type === "step-error");
    expect(error?.error.message).toMatch(/marked sensitive.*failing closed/);
  });
});
