/** `quorum validate <file...>`: every issue in every file, like a compiler; exit 2 on any error. */
import type { Command } from "commander";
import { loadWorkflow } from "../../definition/index.js";
import { hasErrors, type Issue } from "../../spec/index.js";
import { loadProject, readTextOrUndefined } from "../context.js";
import { exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { formatIssue, summaryLine } from "../output/issues.js";

export function registerValidate(program: Command, io: Io): void {
  program
    .command("validate")
    .description("Check workflow files: syntax, schema, references, graph, templates, JSON Schemas")
    .argument("<file...>", "workflow files (YAML or JSON)")
    .option("--config <file>", "project config (default: quorum.config.yaml beside the workflow or here)")
    .option("--json", "print the issues as JSON")
    .action((files: string[], options: { config?: string; json?: boolean }) => {
      const results = files.map((file) => {
        const project = loadProject(options.config, file);
        const result = loadWorkflow(file, { catalog: project.catalog, configTools: project.configTools });
        const issues: Issue[] = [...project.configIssues, ...result.issues];
        return { file, valid: !hasErrors(issues), issues, steps: result.workflow?.steps.length };
      });
      if (options.json)
        io.out(JSON.stringify({ valid: results.every((r) => r.valid), files: results }, null, 2));
      else
        for (const r of results) {
          for (const issue of r.issues) io.out(`${formatIssue(issue, readTextOrUndefined)}\n`);
          io.out(
            r.valid
              ? `${r.file}: valid (${r.steps} steps${r.issues.length ? `; ${summaryLine(r.issues)}` : ""})`
              : `${r.file}: ${summaryLine(r.issues)}`,
          );
        }
      io.exit(results.every((r) => r.valid) ? exitCodes.ok : exitCodes.usage);
    });
}
