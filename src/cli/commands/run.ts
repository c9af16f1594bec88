import type { Command } from "commander";
import { loadWorkflow } from "../../definition/index.js";
import { noProviderMessage, providersAvailable, unreachableConditionalSteps } from "../../models/index.js";
import { resolveInputs } from "../../runtime/index.js";
import { durationPattern, hasErrors, type JsonValue, parseDurationMs } from "../../spec/index.js";
import { loadProject, readTextOrUndefined } from "../context.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { cliLeaseMs, renewLeases } from "../leases.js";
import { formatIssue, summaryLine } from "../output/issues.js";
import { type OpenRuntime, openRuntime } from "../runtime-context.js";
import { driveAndReport } from "./drive.js";

function deadlineMs(text: string): number {
  if (!durationPattern.test(text))
    throw new CliError(`--deadline '${text}' must be a duration such as 30m, 2h or 1d`);
  return parseDurationMs(text);
}

/**
 * `--input name=value | name=@file` flags: the values, and which file each `@file` value came from (so
 * an input's problem can name it).
 */
export function parseInputs(values: string[]): {
  inputs: Record<string, JsonValue>;
  files: Record<string, string>;
} {
  const inputs: Record<string, JsonValue> = {};
  const files: Record<string, string> = {};
  for (const item of values) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new CliError(`--input '${item}' must look like name=value or name=@file`);
    const name = item.slice(0, eq);
    const value = item.slice(eq + 1);
    // Silently keeping the last of two values would run (and pay for) something the user did not mean.
    if (name in inputs) throw new CliError(`--input ${name} is given twice; give each input once`);
    if (value.startsWith("@")) {
      const text = readTextOrUndefined(value.slice(1));
      if (text === undefined) throw new CliError(`--input ${name}: cannot read file '${value.slice(1)}'`);
      inputs[name] = text;
      files[name] = value.slice(1);
    } else inputs[name] = value;
  }
  return { inputs, files };
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerRun(program: Command, io: Io): void {
  program
    .command("run")
    .description("Run a workflow: validate it, pin it, and execute it durably")
    .argument("<workflow>", "workflow file")
    .option("-i, --input <name=value>", "a run input; name=@file reads a file (repeatable)", collect, [])
    .option(
      "--db <url>",
      "store: sqlite:path or postgres://... (default QUORUM_DB or sqlite:.quorum/quorum.db)",
    )
    .option("--config <file>", "project config")
    .option("--dry-run", "run every step through a schema-driven stub: no model is called, nothing is paid")
    .option("--detach", "create the run and leave it to 'quorum worker'")
    .option("--priority <n>", "higher runs are claimed and scheduled first", "0")
    .option("--deadline <duration>", "fail the run if it is not finished this long after it starts (e.g. 2h)")
    .option(
      "--static",
      "static pipeline: arbiter steps make no decision and every route's steps run once in plan order",
    )
    .option("--json", "print the final summary as JSON")
    .action(
      async (
        file: string,
        options: {
          input: string[];
          db?: string;
          config?: string;
          dryRun?: boolean;
          detach?: boolean;
          json?: boolean;
          priority: string;
          deadline?: string;
          static?: boolean;
        },
      ) => {
        const project = loadProject(options.config, file);
        const loaded = loadWorkflow(file, { catalog: project.catalog, configTools: project.configTools });
        const issues = [...project.configIssues, ...loaded.issues];
        if (hasErrors(issues) || !loaded.workflow) {
          for (const issue of issues) io.err(`${formatIssue(issue, readTextOrUndefined)}\n`);
          io.err(`${file}: ${summaryLine(issues)}; nothing was run`);
          io.exit(exitCodes.usage);
          return;
        }
        const workflow = loaded.workflow;
        const { inputs, files } = parseInputs(options.input);
        if (!options.dryRun && !providersAvailable(project.catalog, process.env, workflow))
          throw new CliError(noProviderMessage(project.catalog, process.env, workflow));
        const unreachable = options.dryRun
          ? []
          : unreachableConditionalSteps(project.catalog, process.env, workflow);
        if (unreachable.length > 0)
          io.err(
            `warning: no model of ${unreachable.map((id) => `'${id}'`).join(", ")} can be reached (no API key or server); ${unreachable.length === 1 ? "it runs" : "they run"} only when ${unreachable.length === 1 ? "its" : "their"} 'when:' holds, and would then fail`,
          );
        // The runtime checks them again, but only here is it known which file a value came from.
        const { problems } = resolveInputs(workflow, inputs, files);
        if (problems.length > 0) throw new CliError(problems.join("\n"));
        const open = await openRuntime({ db: options.db, dryRun: options.dryRun, project });
        try {
          const run = await open.runtime.start(workflow, inputs, {
            dryRun: options.dryRun ?? false,
            priority: Number(options.priority) || 0,
            ...(options.deadline ? { deadlineMs: deadlineMs(options.deadline) } : {}),
            // Driven here: leased from birth, so a `quorum worker` on the same store never takes it too.
            ...(options.detach ? {} : { lease: { workerId: open.workerId, leaseMs: cliLeaseMs } }),
            ...(options.static ? { routing: "static" as const } : {}),
          });
          if (options.detach) {
            io.out(
              options.json
                ? JSON.stringify({ runId: run.id, status: run.status })
                : `run ${run.id} created; a 'quorum worker' on the same store will execute it`,
            );
            io.exit(exitCodes.ok);
            return;
          }
          if (!options.json)
            io.out(
              `run ${run.id} · ${workflow.name} · ${workflow.steps.length} steps${options.dryRun ? " · DRY RUN (stub model, no calls, no cost)" : ""}`,
            );
          const leases = await leaseWithAbandoned(open, run.id, io, options.json);
          try {
            io.exit(await driveAndReport(open, run.id, io, { json: options.json, dryRun: options.dryRun }));
            await Promise.allSettled(leases.recovering);
          } finally {
            await leases.release();
          }
        } finally {
          await open.close();
        }
      },
    );
}

/**
 * The new run is created leased to this process and its lease is renewed while it lives, so no worker
 * takes it. On the embedded store there is no worker, so `quorum run` also claims runs a killed
 * `quorum run` left unfinished and finishes them beside the new one; on PostgreSQL workers do that.
 */
async function leaseWithAbandoned(open: OpenRuntime, runId: string, io: Io, quiet?: boolean) {
  const claimed =
    open.store.kind === "sqlite" ? await open.store.claimRuns(open.workerId, 16, cliLeaseMs) : [];
  const others = claimed.filter((r) => r.id !== runId);
  if (others.length > 0 && !quiet)
    io.out(`recovering ${others.length} unfinished run(s): ${others.map((r) => r.id).join(", ")}`);
  const leases = renewLeases(open, [runId, ...others.map((r) => r.id)]);
  const recovering = others.map((run) =>
    open.runtime
      .drive(run.id)
      .then((outcome) => {
        if (!quiet) io.out(`recovered run ${run.id}: ${outcome}`);
      })
      .catch((error: Error) => io.err(`could not recover run ${run.id}: ${error.message}`)),
  );
  return {
    recovering,
    release: leases.release,
  };
}
