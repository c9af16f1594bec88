import type { Command } from "commander";
import { loadWorkflow } from "../../definition/index.js";
import { noProviderMessage, providersAvailable } from "../../models/index.js";
import { hasErrors, type JsonValue } from "../../spec/index.js";
import { loadProject, readTextOrUndefined } from "../context.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { formatIssue, summaryLine } from "../output/issues.js";
import { openRuntime } from "../runtime-context.js";
import { driveAndReport } from "./drive.js";

export function parseInputs(values: string[]): Record<string, JsonValue> {
  const inputs: Record<string, JsonValue> = {};
  for (const item of values) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new CliError(`--input '${item}' must look like name=value or name=@file`);
    const name = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (value.startsWith("@")) {
      const text = readTextOrUndefined(value.slice(1));
      if (text === undefined) throw new CliError(`--input ${name}: cannot read file '${value.slice(1)}'`);
      inputs[name] = text;
    } else inputs[name] = value;
  }
  return inputs;
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
        const inputs = parseInputs(options.input);
        if (!options.dryRun && !providersAvailable(project.catalog, process.env, workflow))
          throw new CliError(noProviderMessage(project.catalog, process.env, workflow));
        const open = await openRuntime({ db: options.db, dryRun: options.dryRun, project });
        try {
          const run = await open.runtime.start(workflow, inputs, { dryRun: options.dryRun ?? false });
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
          io.exit(await driveAndReport(open, run.id, io, { json: options.json, dryRun: options.dryRun }));
        } finally {
          await open.close();
        }
      },
    );
}
