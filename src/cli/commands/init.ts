/** `quorum init [dir]`: copy the starter project (config, one workflow, prompts, schemas). */
import { cpSync, existsSync, readdirSync, renameSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { Command } from "commander";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { packageRoot } from "../package-root.js";

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name), base) : [relative(base, join(dir, entry.name))],
  );
}

export function registerInit(program: Command, io: Io): void {
  program
    .command("init")
    .description("Create a starter project: quorum.config.yaml, a workflow, its prompts and schemas")
    .argument("[dir]", "target directory", ".")
    .option("--force", "overwrite files that already exist")
    .option("--json", "print the created files as JSON")
    .action((dir: string, options: { force?: boolean; json?: boolean }) => {
      const template = join(packageRoot(), "templates", "init");
      const files = listFiles(template)
        .map((f) => (f === "gitignore" ? ".gitignore" : f))
        .sort();
      const target = resolve(dir);
      const clashes = files.filter((f) => existsSync(join(target, f)));
      if (clashes.length > 0 && !options.force)
        throw new CliError(
          `${dir} already has ${clashes.slice(0, 3).join(", ")}${clashes.length > 3 ? ` and ${clashes.length - 3} more` : ""}; nothing was written. Use another directory, or --force to overwrite.`,
        );
      cpSync(template, target, { recursive: true, force: true });
      // npm never publishes files named .gitignore, so the template ships it as `gitignore`.
      if (existsSync(join(target, "gitignore")))
        renameSync(join(target, "gitignore"), join(target, ".gitignore"));
      if (options.json) io.out(JSON.stringify({ directory: target, files }, null, 2));
      else {
        io.out(`Created a quorum project in ${dir}:`);
        for (const f of files) io.out(`  ${f}`);
        const prefix = dir === "." ? "" : `${dir}/`;
        io.out(
          `\nNext:\n  quorum validate ${prefix}workflows/hello.yaml\n  quorum plan ${prefix}workflows/hello.yaml`,
        );
      }
      io.exit(exitCodes.ok);
    });
}
