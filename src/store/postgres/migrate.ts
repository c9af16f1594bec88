/**
 * Brings quorum's PostgreSQL schema to the latest version in one transaction under an advisory lock, so
 * many workers starting at once serialize and all but the first find nothing to do. Refuses a schema
 * holding another application's tables, or one written by a newer quorum, before changing anything.
 */
import type pg from "pg";
import { StoreCorruptError, StoreVersionError } from "../../errors/index.js";
import { MIGRATIONS, type Migration, pendingMigrations, SCHEMA_MIGRATIONS_DDL } from "../migrations/index.js";
import type { PostgresTarget } from "./connection.js";

/** 'QRM1': the advisory lock key for migrations. */
const MIGRATION_LOCK_KEY = 0x51524d31;

export async function migratePostgres(
  client: pg.PoolClient,
  target: PostgresTarget,
  now: () => number,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number> {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  await client.query("BEGIN");
  try {
    await client.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK_KEY]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${target.schema}`);
    const tables = (
      await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name",
        [target.schema],
      )
    ).rows.map((row) => row.table_name);
    if (tables.length > 0 && !tables.includes("schema_migrations")) {
      throw new StoreCorruptError(
        `${target.display} (schema ${target.schema})`,
        `the schema holds tables of another application (${tables.slice(0, 5).join(", ")}); choose another schema with ?schema=name`,
      );
    }
    await client.query(SCHEMA_MIGRATIONS_DDL);
    const current = Number(
      (await client.query<{ v: number }>("SELECT coalesce(max(version), 0) AS v FROM schema_migrations"))
        .rows[0]?.v ?? 0,
    );
    if (current > latest) throw new StoreVersionError(target.display, current, latest);
    for (const migration of pendingMigrations(current, migrations)) {
      await client.query(migration.postgres);
      await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", [
        migration.version,
        migration.name,
        now(),
      ]);
    }
    await client.query("COMMIT");
    return Math.max(current, latest);
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}
