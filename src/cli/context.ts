/**
 * What every command needs: the project config (if any), the model catalog it extends, and file
 * reading. The config is `--config FILE`, else `quorum.config.yaml` beside the workflow, else in
 * the current directory.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { configFileName, loadConfig, parseDurationMs } from "../definition/index.js";
import { additionsFromConfig, builtinCatalog, mergeCatalog } from "../models/catalog/index.js";
import type { QuorumCatalog } from "../models/index.js";
import type { ConfigFile, Issue, PlanContext } from "../spec/index.js";

export interface ProjectContext {
  configFile?: string;
  config?: ConfigFile;
  configIssues: Issue[];
  catalog: QuorumCatalog;
  configTools: string[];
}

export function findConfig(
  explicit: string | undefined,
  workflowFile: string | undefined,
): string | undefined {
  if (explicit) return explicit;
  const candidates = [...(workflowFile ? [join(dirname(workflowFile), configFileName)] : []), configFileName];
  return candidates.find((c) => existsSync(c));
}

export function loadProject(explicitConfig: string | undefined, workflowFile?: string): ProjectContext {
  const configFile = findConfig(explicitConfig, workflowFile);
  const loaded = configFile ? loadConfig(configFile) : { issues: [] };
  const config = loaded.config;
  const catalog = config
    ? mergeCatalog(builtinCatalog(), additionsFromConfig(config, dirname(configFile!)))
    : builtinCatalog();
  return {
    ...(configFile ? { configFile } : {}),
    ...(config ? { config } : {}),
    configIssues: loaded.issues,
    catalog,
    configTools: Object.keys(config?.tools ?? {}),
  };
}

/** Prices and estimate defaults for the planner. */
export function planContext(project: ProjectContext): PlanContext {
  const prices: PlanContext["prices"] = {};
  for (const [ref, model] of Object.entries(project.catalog.models))
    if (model.price) prices[ref] = model.price;
  const toDefaults = (e?: { duration?: string; inputTokens?: number; outputTokens?: number }) =>
    e
      ? {
          ...(e.duration ? { durationMs: parseDurationMs(e.duration) } : {}),
          ...(e.inputTokens !== undefined ? { inputTokens: e.inputTokens } : {}),
          ...(e.outputTokens !== undefined ? { outputTokens: e.outputTokens } : {}),
        }
      : undefined;
  const estimates = project.config?.estimates;
  const roleEstimates = Object.fromEntries(
    Object.entries(estimates?.roles ?? {}).map(([k, v]) => [k, toDefaults(v)!]),
  );
  const modelEstimates = Object.fromEntries(
    Object.entries(project.config?.models ?? {})
      .filter(([, m]) => m.estimate)
      .map(([k, m]) => [k, toDefaults(m.estimate)!]),
  );
  const configEstimate = toDefaults(estimates?.default);
  return { prices, roleEstimates, modelEstimates, ...(configEstimate ? { configEstimate } : {}) };
}

export const readTextOrUndefined = (file: string): string | undefined => {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
};
