/**
 * The `monitor watch` loop itself (not --once): it starts quiet on an empty store, picks up runs that
 * finish while it is watching, fires once, records the transition, and stops when aborted.
 */

import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { runWatch } from "../../src/cli/commands/monitor-watch.js";
import type { Io } from "../../src/cli/io.js";
import { scriptedModels } from "../../src/testing/index.js";
import { type Harness, jsonSchema, loadTestWorkflow, sqliteHarness } from "../runtime/harness.js";
import { cli } from "./run-cli.js";

const yaml = `quorum: 1
name: flaky
documents:
  doc: { schema: schemas/doc.json }
defaults:
  models: [openai/gpt-4o-mini]
  retries: 0
steps:
  - id: write
    kind: model
    prompt: prompts/write.md
    outputs: [doc]
`;
const files = { "prompts/write.md": "Write.", "schemas/doc.json": jsonSchema(["body"]) };

let h: Harness | undefined;
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await h?.close();
});

const until = async (condition: () => boolean, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

it("watches, fires on runs that fail while it runs, posts once, and stops on abort", async () => {
  h = await sqliteHarness();
  const posted: Array<{ alert: { rule: string; state: string } }> = [];
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
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const alerts = join(h.dir, "quorum.alerts.yaml");
  writeFileSync(
    alerts,
    `alerts: 1\nwebhooks: [{ url: "${url}", retries: 0 }]\nrules:\n  - { name: runs-fail, metric: success-rate, min: 0.5, minSamples: 2 }\n`,
  );
  const lines: string[] = [];
  const io: Io = { out: (t) => lines.push(t), err: (t) => lines.push(`ERR ${t}`), exit: () => undefined };
  const controller = new AbortController();
  const db = `sqlite:${join(h.dir, "quorum.db")}`;
  const watching = runWatch({ alerts, db, interval: "50ms" }, io, controller.signal);

  await until(() => lines.some((l) => l.startsWith("watching 1 rules")));
  const runtime = h.runtime(scriptedModels(() => new Error("provider down")));
  const workflow = loadTestWorkflow(yaml, files);
  for (let i = 0; i < 3; i++) await runtime.drive((await runtime.start(workflow, {})).id);

  await until(() => posted.length === 1);
  // Several more ticks with the same data: no second notification.
  await new Promise((resolve) => setTimeout(resolve, 300));
  controller.abort();
  await watching;

  expect(posted.map((p) => [p.alert.rule, p.alert.state])).toEqual([["runs-fail", "firing"]]);
  expect(lines.filter((l) => l.includes("FIRING: runs-fail: success-rate is 0.0% (min 50.0%)"))).toHaveLength(
    1,
  );
  expect(lines.filter((l) => l.startsWith("ERR"))).toEqual([]);
  expect((await h.store.listAlertEvents()).map((a) => [a.rule, a.state])).toEqual([["runs-fail", "firing"]]);
});

it("a run whose pinned workflow is unreadable is still counted, with a warning", async () => {
  h = await sqliteHarness();
  await h.store.createRun({
    id: "damaged",
    workflowName: "old",
    workflowHash: "h",
    definition: new TextEncoder().encode("not json"),
    inputs: {},
  });
  await h.store.appendEvents("damaged", 0, [
    { type: "run-start", workflowName: "old", workflowHash: "h" },
    { type: "run-end", status: "failed" },
  ]);
  const r = await cli("monitor", "report", "--db", h.url, "--json");
  expect(r.exitCode).toBe(0);
  expect(r.stderr).toMatch(
    /^warning: run damaged: its pinned workflow could not be read \(.+\); its steps are counted/,
  );
  expect(JSON.parse(r.stdout)).toMatchObject({ runs: 1 });
});
