/** `quorum runs`, `quorum status RUN`, `quorum inbox`: what runs exist, how one is doing, who waits. */
import type { Command } from "commander";
import { apply, engineGraph, initialState } from "../../engine/index.js";
import { plan } from "../../planner/index.js";
import { loadPinned, loadPinnedWorkflow, openChildWaits } from "../../runtime/index.js";
import type { RunStatus } from "../../spec/index.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { formatGateVerdict, latestGateVerdicts } from "../output/gate-verdicts.js";
import { runSummary } from "../output/summary.js";
import { openRuntime } from "../runtime-context.js";

const statuses: RunStatus[] = ["pending", "running", "waiting", "succeeded", "failed", "cancelled"];
const when = (ms: number) => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

export function registerRuns(program: Command, io: Io): void {
  program
    .command("runs")
    .description("List runs, newest first")
    .option("--status <status>", `only runs in this status (${statuses.join(", ")})`)
    .option("--limit <n>", "how many", "20")
    .option("--db <url>", "store URL")
    .option("--json", "print as JSON")
    .action(async (options: { status?: string; limit: string; db?: string; json?: boolean }) => {
      if (options.status && !statuses.includes(options.status as RunStatus))
        throw new CliError(`unknown status '${options.status}'; use one of ${statuses.join(", ")}`);
      const open = await openRuntime({ db: options.db });
      try {
        const page = await open.store.listRuns({
          ...(options.status ? { status: options.status as RunStatus } : {}),
          limit: Number(options.limit) || 20,
        });
        if (options.json) io.out(JSON.stringify(page.runs, null, 2));
        else if (page.runs.length === 0) io.out("no runs");
        else
          for (const r of page.runs)
            io.out(`${r.id}  ${r.status.padEnd(9)}  ${r.workflowName}  ${when(r.createdAtMs)}`);
        io.exit(exitCodes.ok);
      } finally {
        await open.close();
      }
    });

  program
    .command("status")
    .description("Show a run: its steps, costs, documents and what it waits for")
    .argument("<run>", "run id")
    .option("--db <url>", "store URL")
    .option("--json", "print as JSON")
    .action(async (runId: string, options: { db?: string; json?: boolean }) => {
      const open = await openRuntime({ db: options.db });
      try {
        const run = await open.runtime.requireRun(runId);
        const workflow = await loadPinnedWorkflow(open.runtime.deps, run.definitionHash);
        const graph = engineGraph(workflow, plan(workflow, { prices: {} }));
        const state = initialState(graph);
        const entries = await open.store.readEvents(runId);
        for (const entry of entries) apply(state, entry.event, graph);
        const verdicts = latestGateVerdicts(workflow, entries);
        const childWaits = new Map(
          [...openChildWaits(entries.map((e) => e.event))].map(([child, step]) => [step, child]),
        );
        const steps = [...state.steps.values()].map((s) => {
          const { stepId: _, ...gate } = verdicts.get(s.id) ?? { stepId: s.id };
          return {
            id: s.id,
            status: s.status,
            attempt: s.attempt,
            round: s.round,
            ...(s.failure ? { error: s.failure.message } : {}),
            ...(s.skipReason ? { skipped: s.skipReason } : {}),
            ...(verdicts.has(s.id) ? { gate } : {}),
            ...(childWaits.has(s.id) ? { waitsOnChild: childWaits.get(s.id) } : {}),
          };
        });
        const summary = await runSummary(open.store, runId);
        if (options.json) io.out(JSON.stringify({ run, steps, summary }, null, 2));
        else {
          io.out(`${run.id} · ${run.workflowName} · ${run.status} · created ${when(run.createdAtMs)}`);
          for (const s of steps)
            io.out(
              `  ${s.status.padEnd(9)} ${s.id}${s.round > 1 ? ` (round ${s.round})` : ""}${s.attempt > 1 ? ` (attempt ${s.attempt})` : ""}${verdicts.has(s.id) ? formatGateVerdict(verdicts.get(s.id)!) : ""}${s.error ? ` — ${s.error}` : ""}${s.skipped ? ` — ${s.skipped}` : ""}${s.waitsOnChild ? ` — waits with child run ${s.waitsOnChild}` : ""}`,
            );
          io.out("");
          io.out(summary.text);
        }
        io.exit(exitCodes.ok);
      } finally {
        await open.close();
      }
    });

  program
    .command("inbox")
    .description("Everything waiting for a person, across runs")
    .option("--db <url>", "store URL")
    .option("--json", "print as JSON")
    .action(async (options: { db?: string; json?: boolean }) => {
      const open = await openRuntime({ db: options.db });
      try {
        const waiting = await open.store.listWaitingRuns(100);
        // A child run's request is listed once, on the child, with the parent run and step it holds up
        // (the parent itself only waits on the child and has no request of its own).
        const parents = new Map<string, { runId: string; stepId: string }>();
        for (const w of waiting) {
          const parent = (await loadPinned(open.runtime.deps, w.run.definitionHash)).parent;
          if (parent) parents.set(w.run.id, { runId: parent.runId, stepId: parent.stepId });
        }
        const items = waiting.flatMap((w) =>
          w.openRequests.map((r) => ({
            runId: w.run.id,
            ...(parents.has(w.run.id) ? { parent: parents.get(w.run.id) } : {}),
            workflow: w.run.workflowName,
            stepId: r.event.stepId,
            requestId: r.event.requestId,
            // A step with several open requests (map items) is answered one request at a time.
            several: w.openRequests.filter((o) => o.event.stepId === r.event.stepId).length > 1,
            kind: r.event.kind,
            prompt: r.event.prompt,
            since: r.atMs,
          })),
        );
        if (options.json) io.out(JSON.stringify(items, null, 2));
        else if (items.length === 0) io.out("nothing is waiting for you");
        else
          for (const i of items) {
            const verb =
              i.kind === "approval"
                ? `approve|reject ${i.runId} ${i.stepId}`
                : `answer ${i.runId} ${i.stepId}${i.several ? ` --request ${i.requestId}` : ""} --text "..."`;
            const of = i.parent ? `\n  child run of ${i.parent.runId} · step ${i.parent.stepId}` : "";
            io.out(
              `${i.runId} · ${i.workflow} · ${i.stepId} (${i.kind}) since ${when(i.since)}${of}\n${i.prompt
                .split("\n")
                .map((l) => `    ${l}`)
                .join("\n")}\n  → quorum ${verb}\n`,
            );
          }
        io.exit(exitCodes.ok);
      } finally {
        await open.close();
      }
    });
}
