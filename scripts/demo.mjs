#!/usr/bin/env node
// `npm run demo`: the whole story on the embedded SQLite store, with no API key needed.
// Validates and plans the strategy-document example, runs it with --dry-run (schema-driven
// placeholder documents, no model calls), answers the approval it waits for, and exports the
// documents. With a provider key set, drop --dry-run to run it for real.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const workflow = "examples/strategy-document/workflow.yaml";
const db = `sqlite:${join(mkdtempSync(join(tmpdir(), "quorum-demo-")), "quorum.db")}`;
const quorum = (...args) => {
  console.log(`\n$ quorum ${args.join(" ")}`);
  const result = spawnSync(process.execPath, ["dist/cli/main.js", ...args], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  process.stdout.write(result.stdout);
  return { code: result.status, stdout: result.stdout };
};
const must = (result, ...codes) => {
  if (!codes.includes(result.code)) {
    console.error(`demo stopped: exit code ${result.code}`);
    process.exit(1);
  }
  return result;
};

must(quorum("validate", workflow), 0);
must(quorum("plan", workflow), 0);
const run = must(
  quorum("run", workflow, "--dry-run", "--db", db, "--input", "idea=A shared shopping list for families"),
  3,
);
const runId = /run (run_[\w]+)/.exec(run.stdout)?.[1];
if (!runId) {
  console.error("demo stopped: no run id in the output");
  process.exit(1);
}
must(quorum("inbox", "--db", db), 0);
must(
  quorum("approve", runId, "sign-off", "--comment", "ship it", "--as", "demo", "--db", db, "--dry-run"),
  0,
);
must(quorum("docs", runId, "--db", db), 0);
must(quorum("docs", "export", runId, "--out", join(tmpdir(), `quorum-demo-${runId}`), "--db", db), 0);
console.log(`\nDone. The run is in ${db.slice(7)}; try: node dist/cli/main.js status ${runId} --db ${db}`);
