/**
 * Open what run-related commands need: the store (`--db`, else QUORUM_DB, else
 * `sqlite:.quorum/quorum.db`), the model client (real providers, or the stub with --dry-run; never
 * a silent switch), and a Runtime with the built-in step executors.
 */
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { loadWorkflow } from "../definition/index.js";
import {
  createDryRunModelClient,
  createStepRouter,
  healthFromClient,
  providerUnavailableReason,
  withCostControls,
} from "../models/index.js";
import { Runtime, StepSlots } from "../runtime/index.js";
import type { ModelClient, RunEvent, Store, ToolHost, ToolServerSpec } from "../spec/index.js";
import { builtinExecutors } from "../steps/index.js";
import { DEFAULT_STORE_URL, openStore } from "../store/index.js";
import type { ProjectContext } from "./context.js";

export interface RuntimeOptions {
  db?: string;
  dryRun?: boolean;
  project?: ProjectContext;
  onEvent?: (runId: string, event: RunEvent) => void;
  /** Steps executing at once across all runs of this process (default 64). */
  maxSteps?: number;
}

export interface OpenRuntime {
  runtime: Runtime;
  store: Store;
  workerId: string;
  close(): Promise<void>;
}

export const storeUrl = (db?: string): string => db ?? process.env.QUORUM_DB ?? DEFAULT_STORE_URL;

export async function openRuntime(options: RuntimeOptions): Promise<OpenRuntime> {
  // Runs commit on every step: WAL checkpoints go to a worker thread instead of into a step's commit.
  const store = await openStore(storeUrl(options.db), { backgroundCheckpoint: true });
  // The provider SDKs load only when a real model may be called: validate/plan/status stay fast.
  const project = options.project;
  // Real calls go through the cost middleware (cache, context fit, budgets + ledger); dry runs never do.
  const client =
    options.dryRun || !project
      ? undefined
      : (await import("../models/client/index.js")).createModelClient({
          catalog: project.catalog,
          env: process.env,
        });
  // A process that will spend clears reservations a crashed one left past their expiry (they already
  // stopped counting; this makes the ledger say so).
  if (client) await store.expireSpendReservations();
  const models: ModelClient =
    !client || !project
      ? unavailableModels
      : withCostControls(client, {
          store,
          catalog: project.catalog,
          ...(project.config?.budgets?.daily ? { dailyBudget: project.config.budgets.daily } : {}),
          // Budget downgrades to catalog models skip providers that cannot take calls (no key).
          providerUnavailable: (id) => {
            const provider = project.catalog.providers[id];
            return provider
              ? providerUnavailableReason(provider, process.env, project.catalog)
              : `unknown provider '${id}'`;
          },
        });
  // Steps without explicit models are routed over the project's catalog; learned quality comes from the store.
  const catalog = options.project?.catalog;
  const router = catalog
    ? createStepRouter({
        catalog,
        providerUnavailable: (id) => {
          const provider = catalog.providers[id];
          return provider
            ? providerUnavailableReason(provider, process.env, catalog)
            : `unknown provider '${id}'`;
        },
        quality: store,
        // Breaker states, error rates and latency as this process's model client sees them.
        ...(client ? { health: healthFromClient(client.health()) } : {}),
        now: Date.now,
      })
    : undefined;
  // Tool servers start only when an agent step first uses one; the MCP SDK loads only for real runs.
  const tools: ToolHost | undefined = options.dryRun
    ? undefined
    : (await import("../tools/index.js")).createMcpToolHost();
  const runtime = new Runtime({
    store,
    models,
    ...(router ? { router } : {}),
    ...(tools ? { tools, toolServers: configToolServers(options.project) } : {}),
    dryRunModels: createDryRunModelClient(),
    executors: builtinExecutors,
    slots: new StepSlots(options.maxSteps ?? 64),
    now: Date.now,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.project ? { loadWorkflow: subWorkflowLoader(options.project) } : {}),
  });
  return {
    runtime,
    store,
    workerId: `${hostname()}:${process.pid}`,
    async close() {
      try {
        await tools?.close();
      } finally {
        await store.close();
      }
    },
  };
}

/** Tools declared in quorum.config.yaml; stdio servers start in the config file's directory. */
function configToolServers(project: ProjectContext | undefined): Record<string, ToolServerSpec> {
  const declared = project?.config?.tools ?? {};
  const cwd = project?.configFile ? dirname(resolve(project.configFile)) : undefined;
  return Object.fromEntries(
    Object.entries(declared).map(([id, tool]) => [
      id,
      { id, ...(tool.mcp ? { mcp: tool.mcp } : {}), ...(cwd ? { cwd } : {}) },
    ]),
  );
}

/** Sub-workflows are pinned with the project's catalog and tools, like the parent was validated. */
function subWorkflowLoader(project: ProjectContext) {
  return (file: string) => {
    const loaded = loadWorkflow(file, { catalog: project.catalog, configTools: project.configTools });
    return {
      ...(loaded.workflow ? { workflow: loaded.workflow } : {}),
      problems: loaded.issues.filter((i) => i.severity === "error").map((i) => `${i.code} ${i.message}`),
    };
  };
}

/** Commands that only read or answer never call models; if one tries, that is a bug. */
const unavailableModels: ModelClient = {
  specificationVersion: "v1",
  generate: () => Promise.reject(new Error("this command does not call models")),
};
