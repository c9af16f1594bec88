/**
 * Records a run's journal as a history fixture for the engine's replay tests:
 *   npx tsx scripts/record-history.ts <workflow.yaml> <out.json> [--input k=v] [--approve step]
 * Runs the workflow with the dry-run stub on a temporary SQLite store, approves the named steps when
 * they wait, and writes the pinned workflow with every event.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadWorkflow } from "../src/definition/index.js";
import { builtinCatalog, createDryRunModelClient } from "../src/models/index.js";
import { loadPinnedWorkflow, Runtime } from "../src/runtime/index.js";
import { builtinExecutors } from "../src/steps/index.js";
import { openStore } from "../src/store/index.js";

const [file, out, ...rest] = process.argv.slice(2);
if (!file || !out)
  throw new Error("usage: record-history.ts <workflow.yaml> <out.json> [--input k=v] [--approve step]");
const inputs: Record<string, string> = {};
const approve: string[] = [];
for (let i = 0; i < rest.length; i += 2) {
  const [flag, value] = [rest[i], rest[i + 1] ?? ""];
  if (flag === "--input") inputs[value.slice(0, value.indexOf("="))] = value.slice(value.indexOf("=") + 1);
  if (flag === "--approve") approve.push(value);
}
const loaded = loadWorkflow(file, { catalog: builtinCatalog() });
if (!loaded.workflow) throw new Error(loaded.issues.map((i) => i.message).join("\n"));
const store = await openStore(`sqlite:${join(mkdtempSync(join(tmpdir(), "quorum-history-")), "q.db")}`);
const stub = createDryRunModelClient();
const runtime = new Runtime({
  store,
  models: stub,
  dryRunModels: stub,
  executors: builtinExecutors,
  now: Date.now,
});
const run = await runtime.start(loaded.workflow, inputs, { dryRun: true });
let outcome = await runtime.drive(run.id);
for (const step of approve) {
  if (outcome !== "waiting") break;
  await runtime.respond(run.id, step, { decision: "approve" }, "recorder");
  outcome = await runtime.drive(run.id);
}
const workflow = await loadPinnedWorkflow(runtime.deps, run.definitionHash);
workflow.source.file = file;
const events = (await store.readEvents(run.id)).map((e) => e.event);
writeFileSync(
  out,
  `${JSON.stringify({ recordedWith: "quorum dry run", outcome, workflow, events }, null, 1)}\n`,
);
console.log(`${outcome}: ${events.length} events → ${out}`);
await store.close();
