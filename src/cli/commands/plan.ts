/** `quorum plan <file>`: parallel groups, critical path, time and cost estimates; text, JSON or Mermaid. */
import type { Command } from "commander";
import { loadWorkflow } from "../../definition/index.js";
import { plan, renderPlanMermaid, renderPlanText } from "../../planner/index.js";
import { hasErrors } from "../../spec/index.js";
import { loadProject, planContext, readTextOrUndefined } from "../context.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { formatIssue, summaryLine } from "../output/issues.js";

export function registerPlan(program: Command, io: Io): void {
  program
    .command("plan")
    .description("Show how a workflow will run: parallel groups, critical path, estimated time and cost")
    .argument("<file>", "workflow file")
    .option("--config <file>", "project config")
    .option("--format <format>", "text, json or mermaid", "text")
    .option("--json", "same as --format json")
    .action((file: string, options: { config?: string; format: string; json?: boolean }) => {
      const format = options.json ? "json" : options.format;
      if (!["text", "json", "mermaid"].includes(format))
        throw new CliError(`unknown format '${format}': use text, json or mermaid`);
      const project = loadProject(options.config, file);
      const result = loadWorkflow(file, { catalog: project.catalog, configTools: project.configTools });
      const issues = [...project.configIssues, ...result.issues];
      if (hasErrors(issues) || !result.workflow) {
        if (format === "json") io.out(JSON.stringify({ valid: false, issues }, null, 2));
        else {
          for (const issue of issues) io.err(`${formatIssue(issue, readTextOrUndefined)}\n`);
          io.err(`${file}: ${summaryLine(issues)}; fix them, then plan again`);
        }
        io.exit(exitCodes.usage);
        return;
      }
      const executionPlan = plan(result.workflow, planContext(project));
      if (format === "json") io.out(JSON.stringify(executionPlan, null, 2));
      else if (format === "mermaid") io.out(renderPlanMermaid(executionPlan, result.workflow));
      else io.out(renderPlanText(executionPlan, result.workflow));
      io.exit(exitCodes.ok);
    });
}
