/**
 * Which GGUF file a `local/<id>` model means. In order: a `path` declared for `local/<id>` in
 * quorum.config.yaml; `QUORUM_LOCAL_MODEL` for `local/default` or for the id equal to that file's
 * name; an id that is itself a path (`local/./models/x.gguf`, `local//abs/x.gguf`); a file pulled
 * into the models folder (`quorum models pull`). The first rule that names a file wins, and a missing
 * file is a user error naming every place that was looked at.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { basename, isAbsolute, join, resolve } from "node:path";

export interface LocalModelLocator {
  /** Paths declared in config, by model id (`local/<id>` -> `<id>`), already absolute. */
  configuredPaths: Readonly<Record<string, string>>;
  env: Record<string, string | undefined>;
  /** Where `quorum models pull` saves files. */
  modelsDir: string;
}

/** `~/.quorum/models`, or QUORUM_MODELS_DIR. */
export function defaultModelsDir(env: Record<string, string | undefined>): string {
  return env.QUORUM_MODELS_DIR ?? join(homedir(), ".quorum", "models");
}

/** The model name a file is offered under: its file name without `.gguf`. */
export function modelNameOf(file: string): string {
  return basename(file).replace(/\.gguf$/i, "");
}

/** Thrown when no rule finds a readable file; `isUserError` so the CLI prints it as one paragraph. */
export class LocalModelNotFoundError extends Error {
  override name = "LocalModelNotFoundError";
  readonly isUserError = true;
}

export function resolveLocalModelPath(modelId: string, locator: LocalModelLocator): string {
  const tried: string[] = [];
  const check = (file: string): string | undefined => {
    const absolute = resolve(file);
    tried.push(absolute);
    return existsSync(absolute) ? absolute : undefined;
  };
  const configured = locator.configuredPaths[modelId];
  if (configured !== undefined) return check(configured) ?? notFound(modelId, tried);
  const fromEnv = locator.env.QUORUM_LOCAL_MODEL?.trim();
  if (fromEnv && (modelId === "default" || modelId === modelNameOf(fromEnv) || modelId === fromEnv))
    return check(fromEnv) ?? notFound(modelId, tried);
  const looksLikePath = isAbsolute(modelId) || modelId.includes("/") || /\.gguf$/i.test(modelId);
  if (looksLikePath) {
    const found = check(modelId);
    if (found) return found;
  }
  const pulled = check(join(locator.modelsDir, modelId)) ?? check(join(locator.modelsDir, `${modelId}.gguf`));
  return pulled ?? notFound(modelId, tried);
}

function notFound(modelId: string, tried: string[]): never {
  throw new LocalModelNotFoundError(
    `no GGUF file for local/${modelId} (looked at ${tried.join(", ")}). Download one with \`quorum models pull <url|alias>\`, declare models: { local/${modelId}: { path: FILE } } in quorum.config.yaml, or set QUORUM_LOCAL_MODEL and use local/default.`,
  );
}
