/**
 * Where PostgreSQL tests connect, decided once per test file: `QUORUM_TEST_POSTGRES_URL`, else the
 * cluster the globalSetup started (`inject`), else — when the globalSetup is not configured (running one
 * file with a bare config) — a cluster started for this file alone and stopped after it. Returns the
 * reason when there is none; under CI a missing PostgreSQL throws, so the suite fails instead of skipping.
 */
import { afterAll, inject } from "vitest";
import { PostgresUnavailable, startTestPostgres } from "./postgres.js";

export type PostgresForTests =
  | { readonly url: string }
  | { readonly url?: undefined; readonly skipReason: string };

export async function postgresForTests(): Promise<PostgresForTests> {
  const given = process.env.QUORUM_TEST_POSTGRES_URL;
  if (given !== undefined && given !== "") return { url: given };
  const provided = inject("postgresUrl");
  if (provided !== undefined) return { url: provided };
  let reason = inject("postgresUnavailable");
  if (reason === undefined) {
    try {
      const cluster = await startTestPostgres();
      afterAll(() => cluster.stop());
      return { url: cluster.url };
    } catch (error) {
      if (!(error instanceof PostgresUnavailable)) throw error;
      reason = error.message;
    }
  }
  if (process.env.CI) throw new Error(`PostgreSQL is required under CI: ${reason}`);
  return { skipReason: `PostgreSQL unavailable: ${reason}` };
}
