/**
 * `quorum models list | check | pull`: what models are configured and usable, whether each API key
 * works (by alias, never the key), and downloading a GGUF model for in-process use.
 */
import type { Command } from "commander";
import {
  checkKeys,
  defaultModelsDir,
  fileNameForUrl,
  type KeyCheck,
  modelNameOf,
  type PullProgress,
  pullAlias,
  pullAliases,
  pullModel,
} from "../../models/index.js";
import { loadProject } from "../context.js";
import { CliError, exitCodes } from "../errors.js";
import type { Io } from "../io.js";
import { formatProviders, listProviders } from "./models-list.js";

export function registerModels(program: Command, io: Io): void {
  const models = program
    .command("models")
    .description("List configured models, check API keys, download local models");

  models
    .command("list")
    .description(
      "Configured providers and models: context, max output, capabilities, privacy, price, availability",
    )
    .option("--config <file>", "project config (default: quorum.config.yaml here)")
    .option("--available", "only providers that can be used now")
    .option("--json", "print as JSON")
    .action(async (options: { config?: string; available?: boolean; json?: boolean }) => {
      const project = loadProject(options.config);
      const rows = (await listProviders(project.catalog, process.env)).filter(
        (row) => !options.available || row.available,
      );
      if (options.json) io.out(JSON.stringify({ providers: rows }, null, 2));
      else if (rows.length === 0)
        io.out(
          "no provider can be used now; run `quorum models list` without --available to see why each cannot",
        );
      else for (const line of formatProviders(rows)) io.out(line);
      io.exit(exitCodes.ok);
    });

  models
    .command("check")
    .description(
      "Ping each API key with a one-token request: valid, invalid (401/403), rate limited, unreachable",
    )
    .option("--config <file>", "project config (default: quorum.config.yaml here)")
    .option("--provider <id...>", "only these providers")
    .option("--timeout <ms>", "per key", "15000")
    .option("--json", "print as JSON")
    .action(async (options: { config?: string; provider?: string[]; timeout: string; json?: boolean }) => {
      const timeoutMs = Number(options.timeout);
      if (!Number.isInteger(timeoutMs) || timeoutMs <= 0)
        throw new CliError(`--timeout must be a positive number of milliseconds, got '${options.timeout}'`);
      const project = loadProject(options.config);
      const unknown = (options.provider ?? []).filter((id) => !project.catalog.providers[id]);
      if (unknown.length > 0)
        throw new CliError(
          `unknown provider ${unknown.map((id) => `'${id}'`).join(", ")} in --provider; known: ${Object.keys(project.catalog.providers).join(", ")}`,
        );
      const results = await checkKeys(project.catalog, process.env, {
        timeoutMs,
        ...(options.provider ? { providers: options.provider } : {}),
      });
      const healthy =
        results.length > 0 && results.every((r) => r.status === "valid" || r.status === "rate-limited");
      if (options.json) io.out(JSON.stringify({ keys: results }, null, 2));
      else if (results.length === 0)
        io.out(
          "no API keys found in the environment (e.g. OPENAI_API_KEY, GROQ_API_KEY_1); nothing to check",
        );
      else for (const result of results) io.out(formatCheck(result));
      io.exit(healthy ? exitCodes.ok : exitCodes.failed);
    });

  models
    .command("pull")
    .description(
      `Download a GGUF model for local/<name> (aliases: ${pullAliases.map((a) => a.alias).join(", ")})`,
    )
    .argument("<model>", "an alias or an http(s) URL of a .gguf file")
    .option("--dir <dir>", "where to save it (default ~/.quorum/models or QUORUM_MODELS_DIR)")
    .option("--name <file>", "file name to save under")
    .option("--json", "print the result as JSON")
    .action(async (model: string, options: { dir?: string; name?: string; json?: boolean }) => {
      const alias = pullAlias(model);
      const url = alias?.url ?? model;
      if (!alias && !/^https?:\/\//i.test(model))
        throw new CliError(
          `'${model}' is neither a known alias nor an http(s) URL. Aliases: ${pullAliases.map((a) => a.alias).join(", ")}; or pass the URL of a .gguf file.`,
        );
      const dir = options.dir ?? defaultModelsDir(process.env);
      const fileName = options.name ?? fileNameForUrl(url);
      if (!options.json) io.err(`downloading ${url}\n  to ${dir}/${fileName}`);
      const progress = progressReporter(io);
      const result = await pullModel({
        url,
        dir,
        fileName,
        ...(options.json ? {} : { onProgress: progress.update }),
      });
      progress.done();
      const name = modelNameOf(result.path);
      if (options.json) io.out(JSON.stringify({ ...result, model: `local/${name}` }, null, 2));
      else {
        const what = result.alreadyPresent
          ? "already downloaded"
          : result.resumed
            ? "resumed and saved"
            : "saved";
        io.out(`${what}: ${result.path} (${formatBytes(result.bytes)})`);
        io.out(`sha256: ${result.sha256}`);
        io.out(`use it as local/${name} in a workflow (needs npm install node-llama-cpp)`);
      }
      io.exit(exitCodes.ok);
    });
}

function formatCheck(result: KeyCheck): string {
  const status =
    result.status === "rate-limited" && result.retryAfterMs !== undefined
      ? `rate limited (retry after ${Math.ceil(result.retryAfterMs / 1000)} s)`
      : result.status.replace("-", " ");
  const http = result.httpStatus === undefined ? "" : ` HTTP ${result.httpStatus}`;
  const detail = result.status === "valid" ? "" : ` — ${result.message ?? ""}`;
  return `${result.provider.padEnd(12)} ${result.keyAlias.padEnd(24)} ${status}${http} · ${result.latencyMs} ms via ${result.probe}${detail}`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * A redrawn bar on a terminal; otherwise a plain line per 10 % (or per 50 MB when the size is
 * unknown), so CI logs stay short and readable.
 */
function progressReporter(io: Io) {
  let lastStep = -1;
  let drew = false;
  return {
    update({ receivedBytes, totalBytes }: PullProgress) {
      const fraction = totalBytes ? receivedBytes / totalBytes : undefined;
      if (io.isTty) {
        const width = 30;
        const filled = fraction === undefined ? 0 : Math.round(fraction * width);
        const bar =
          fraction === undefined
            ? ""
            : `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${(fraction * 100).toFixed(0)}% `;
        process.stderr.write(
          `\r${bar}${formatBytes(receivedBytes)}${totalBytes ? ` of ${formatBytes(totalBytes)}` : ""}   `,
        );
        drew = true;
        return;
      }
      const step =
        fraction === undefined ? Math.floor(receivedBytes / (50 * 1024 * 1024)) : Math.floor(fraction * 10);
      if (step === lastStep) return;
      lastStep = step;
      io.err(`  ${fraction === undefined ? "" : `${step * 10}% · `}${formatBytes(receivedBytes)}`);
    },
    done() {
      if (drew) process.stderr.write("\n");
    },
  };
}
