/**
 * API keys per provider, read once from the environment: the main variable, its aliases, and numbered
 * pools (`GROQ_API_KEY_1..N`) that spread load across free tiers and survive one revoked key. Each key
 * keeps the name of the variable it came from, which is all a trace or a log ever shows of it.
 */
import { apiKeyEnvNames, type ProviderPreset } from "../catalog/index.js";
import type { KeyEntry } from "../middleware/index.js";

/** Every key the environment holds for a provider with its variable name, de-duplicated, in order. */
export function apiKeyEntriesFromEnv(
  provider: Pick<ProviderPreset, "apiKeyEnv" | "apiKeyEnvAliases">,
  env: Record<string, string | undefined>,
): KeyEntry[] {
  const entries: KeyEntry[] = [];
  const add = (alias: string) => {
    const value = env[alias]?.trim();
    if (value && !entries.some((entry) => entry.value === value)) entries.push({ alias, value });
  };
  for (const name of apiKeyEnvNames(provider)) {
    add(name);
    const numbered = Object.keys(env)
      .map((variable) => ({ variable, index: numberedSuffix(variable, name) }))
      .filter((entry): entry is { variable: string; index: number } => entry.index !== undefined)
      .sort((a, b) => a.index - b.index);
    for (const { variable } of numbered) add(variable);
  }
  return entries;
}

/** Every key the environment holds for a provider, de-duplicated, in the order they are tried. */
export function apiKeysFromEnv(
  provider: Pick<ProviderPreset, "apiKeyEnv" | "apiKeyEnvAliases">,
  env: Record<string, string | undefined>,
): string[] {
  return apiKeyEntriesFromEnv(provider, env).map((entry) => entry.value);
}

function numberedSuffix(variable: string, name: string): number | undefined {
  if (!variable.startsWith(`${name}_`)) return undefined;
  const suffix = variable.slice(name.length + 1);
  return /^\d+$/.test(suffix) ? Number(suffix) : undefined;
}
