/** Load workflows from memory and run them on a real SQLite store in a temp directory. */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadWorkflowText, memoryFileSystem } from "../../src/definition/index.js";
import { builtinCatalog } from "../../src/models/index.js";
import { Runtime, type RuntimeDeps } from "../../src/runtime/index.js";
import type { ModelClient, Store, Workflow } from "../../src/spec/index.js";
import { builtinExecutors } from "../../src/steps/index.js";
import { openStore } from "../../src/store/index.js";
import { postgresForTests } from "../support/postgres-url.js";

export function loadTestWorkflow(yaml: string, files: Record<string, string> = {}): Workflow {
  const fs = memoryFileSystem(Object.fromEntries(Object.entries(files).map(([k, v]) => [`wf/${k}`, v])));
  const result = loadWorkflowText("wf/workflow.yaml", yaml, { fs, catalog: builtinCatalog() });
  if (!result.workflow)
    throw new Error(
      `test workflow is invalid:\n${result.issues.map((i) => `${i.code} ${i.path} ${i.message}`).join("\n")}`,
    );
  return result.workflow;
}

export interface Harness {
  dir: string;
  /** The store URL, for CLI commands that open their own connection (`--db`). */
  url: string;
  store: Store;
  runtime(models: ModelClient, extra?: Partial<RuntimeDeps>): Runtime;
  /** A second connection to the same database, as another process would have. */
  reopen(): Promise<Store>;
  close(): Promise<void>;
}

export function sqliteHarness(): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "quorum-runtime-"));
  return harnessAt(`sqlite:${join(dir, "quorum.db")}`, dir);
}

/** Each PostgreSQL harness gets its own schema in the shared test cluster. */
export function postgresHarness(baseUrl: string): Promise<Harness> {
  const schema = `rt_${randomUUID().replaceAll("-", "").slice(0, 12)}`;
  return harnessAt(
    `${baseUrl}${baseUrl.includes("?") ? "&" : "?"}schema=${schema}`,
    mkdtempSync(join(tmpdir(), "quorum-runtime-")),
  );
}

/** The store engines every runtime test runs on: SQLite always, PostgreSQL when available (required under CI). */
export async function storeEngines(): Promise<
  Array<{ name: string; make: () => Promise<Harness>; skip?: string }>
> {
  const pg = await postgresForTests();
  return [
    { name: "sqlite", make: sqliteHarness },
    pg.url !== undefined
      ? { name: "postgres", make: () => postgresHarness(pg.url) }
      : { name: "postgres", make: () => Promise.reject(new Error(pg.skipReason)), skip: pg.skipReason },
  ];
}

async function harnessAt(url: string, dir: string): Promise<Harness> {
  const stores: Store[] = [];
  const store = await openStore(url);
  stores.push(store);
  return {
    dir,
    url,
    store,
    runtime: (models, extra = {}) =>
      new Runtime({
        store,
        models,
        dryRunModels: models,
        executors: builtinExecutors,
        now: Date.now,
        retryDelayMs: () => 0,
        cancelPollMs: 50,
        ...extra,
      }),
    async reopen() {
      const s = await openStore(url);
      stores.push(s);
      return s;
    },
    async close() {
      for (const s of stores) await s.close().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const jsonSchema = (required: string[]) =>
  JSON.stringify({
    type: "object",
    required,
    properties: Object.fromEntries(required.map((r) => [r, { type: "string", minLength: 1 }])),
  });
