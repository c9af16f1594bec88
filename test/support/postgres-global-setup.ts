/**
 * Vitest globalSetup: one throwaway PostgreSQL cluster per test run, shared by every test file through
 * `inject("postgresUrl")`. Skipped when `QUORUM_TEST_POSTGRES_URL` points at a server already. When no
 * cluster can be started the reason is provided instead (tests skip with it) — except under CI, where a
 * missing PostgreSQL fails the run: the PostgreSQL store must never go untested by accident.
 */
import type { TestProject } from "vitest/node";
import { startTestPostgres, type TestPostgres } from "./postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** URL of a database tests may create schemas in; absent when PostgreSQL is unavailable. */
    postgresUrl?: string;
    /** Why there is no PostgreSQL, when `postgresUrl` is absent. */
    postgresUnavailable?: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.QUORUM_TEST_POSTGRES_URL;
  if (given !== undefined && given !== "") {
    project.provide("postgresUrl", given);
    return async () => undefined;
  }
  let cluster: TestPostgres | undefined;
  try {
    cluster = await startTestPostgres();
    project.provide("postgresUrl", cluster.url);
  } catch (error) {
    const reason = (error as Error).message;
    if (process.env.CI) throw new Error(`PostgreSQL is required under CI: ${reason}`);
    project.provide("postgresUnavailable", reason);
  }
  return async () => {
    await cluster?.stop();
  };
}
