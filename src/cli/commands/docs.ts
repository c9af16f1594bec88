/** `quorum docs RUN` lists a run's documents with lineage; `docs export RUN --out DIR` writes them. */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { documentText, loadPinnedWorkflow } from "../../runtime/index.js";
import { makeDirectory } from "../../support/index.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { openRuntime } from "../runtime-context.js";

export function registerDocs(program: Command, io: Io): void {
  const docs = program
    .command("docs")
    .description("List or export the documents of a run")
    .argument("[run]", "run id")
    .option("--db <url>", "store URL")
    .option("--all", "every version, not only the latest")
    .option("--json", "print as JSON")
    .action(async (runId: string | undefined, options: { db?: string; all?: boolean; json?: boolean }) => {
      if (!runId) {
        docs.help({ error: true });
        return;
      }
      const open = await openRuntime({ db: options.db });
      try {
        await open.runtime.requireRun(runId);
        const versions = await open.store.listDocumentVersions(runId);
        const latest = new Map(versions.map((v) => [v.documentId, v]));
        const shown = options.all ? versions : [...latest.values()];
        if (options.json) io.out(JSON.stringify(shown, null, 2));
        else if (shown.length === 0) io.out("no documents yet");
        else
          for (const v of shown)
            io.out(
              `${v.documentId} v${v.version}  ${v.sizeBytes} bytes  by ${v.stepId} (attempt ${v.attempt}${v.model ? `, ${v.model}` : ""})${v.inputVersions.length ? `  from ${v.inputVersions.map((i) => `${i.documentId} v${i.version}`).join(", ")}` : ""}`,
            );
        io.exit(exitCodes.ok);
      } finally {
        await open.close();
      }
    });

  docs
    .command("export")
    .description("Write the latest version of each document to a directory")
    .argument("<run>", "run id")
    .requiredOption("--out <dir>", "target directory")
    .option("--db <url>", "store URL")
    .option("--json", "print the written files as JSON")
    .action(async (runId: string, options: { out: string; db?: string; json?: boolean }) => {
      // `--db` after `docs export` is parsed by the parent command, which declares it too.
      const open = await openRuntime({ db: options.db ?? (docs.opts() as { db?: string }).db });
      try {
        const run = await open.runtime.requireRun(runId);
        const workflow = await loadPinnedWorkflow(open.runtime.deps, run.definitionHash);
        const latest = new Map((await open.store.listDocumentVersions(runId)).map((v) => [v.documentId, v]));
        writable(options.out, () => makeDirectory(options.out));
        const written: string[] = [];
        for (const v of latest.values()) {
          const text = await documentText(open.store, v);
          if (text === undefined)
            throw new Error(`content of ${v.documentId} v${v.version} is missing from the store`);
          const format = workflow.documents[v.documentId]?.format ?? "text";
          const file = join(
            options.out,
            `${v.documentId}.${format === "json" ? "json" : format === "markdown" ? "md" : "txt"}`,
          );
          writable(options.out, () => writeFileSync(file, text));
          written.push(file);
        }
        io.out(
          options.json
            ? JSON.stringify({ files: written }, null, 2)
            : written.length
              ? `wrote ${written.length} documents to ${resolve(options.out)}:\n${written.map((f) => `  ${f}`).join("\n")}`
              : "no documents to export",
        );
        io.exit(exitCodes.ok);
      } finally {
        await open.close();
      }
    });
}

/** A file system refusal under `--out` is the user's to fix (a read-only or odd path), not a bug. */
function writable(dir: string, write: () => void): void {
  try {
    write();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code !== "string") throw error;
    throw new CliError(
      `cannot write the documents to '${resolve(dir)}': ${(error as Error).message}. Choose a directory you can write to with --out.`,
      exitCodes.usage,
    );
  }
}
