/**
 * What the catalog says about in-process models: which providers run GGUF files, which model ids
 * have a configured path, and which names are offered without one (`default` and the file name of
 * QUORUM_LOCAL_MODEL). The model client lists these as the "served" models of a local provider, so
 * a sensitive request that names no model can still be routed to one.
 */
import { readdirSync } from "node:fs";
import type { ProviderPreset, QuorumCatalog } from "../catalog/index.js";
import { defaultModelsDir, modelNameOf } from "./model-path.js";
import { nodeLlamaCppInstalled } from "./node-llama.js";

/** Configured `path`s of every in-process model, keyed by `provider/model`. */
export function configuredLocalPaths(catalog: QuorumCatalog): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const [ref, model] of Object.entries(catalog.models)) {
    const provider = catalog.providers[ref.slice(0, ref.indexOf("/"))];
    if (provider?.kind === "local" && model.path !== undefined) paths[ref] = model.path;
  }
  return paths;
}

/**
 * Model ids an in-process provider can answer for: configured ones, `default` and the file name of
 * QUORUM_LOCAL_MODEL, and the files pulled into the models folder (one directory listing).
 */
export function localModelIds(
  catalog: QuorumCatalog | undefined,
  provider: ProviderPreset,
  env: Record<string, string | undefined>,
): string[] {
  if (provider.kind !== "local") return [];
  const ids = Object.keys(catalog ? configuredLocalPaths(catalog) : {})
    .filter((ref) => ref.startsWith(`${provider.id}/`))
    .map((ref) => ref.slice(provider.id.length + 1));
  const fromEnv = env.QUORUM_LOCAL_MODEL?.trim();
  if (fromEnv) ids.push("default", modelNameOf(fromEnv));
  ids.push(...pulledModelNames(defaultModelsDir(env)));
  return [...new Set(ids)];
}

/** Names of the `.gguf` files in a folder (none when it does not exist). */
export function pulledModelNames(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => /\.gguf$/i.test(name))
      .map(modelNameOf)
      .sort();
  } catch {
    return [];
  }
}

/**
 * Why an in-process provider cannot take calls: node-llama-cpp is missing, or no model is known
 * (no configured path, no QUORUM_LOCAL_MODEL, nothing pulled). Undefined when it can.
 */
export function localUnavailableReason(
  provider: ProviderPreset,
  env: Record<string, string | undefined>,
  catalog?: QuorumCatalog,
): string | undefined {
  if (!nodeLlamaCppInstalled())
    return `provider '${provider.id}' runs GGUF files in-process and needs the optional package node-llama-cpp: npm install node-llama-cpp`;
  if (localModelIds(catalog, provider, env).length === 0)
    return `provider '${provider.id}' has no GGUF model: set QUORUM_LOCAL_MODEL=/path/to/model.gguf, declare a path for local/<name> in quorum.config.yaml, or run \`quorum models pull <url|alias>\``;
  return undefined;
}
