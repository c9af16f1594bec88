/**
 * A schema migration: one number, one name, the SQL for each dialect. Versions are dense (1, 2, 3…) and
 * never edited once released — a change is a new migration — so `schema_migrations` tells exactly which
 * SQL a database has seen, and a database from a newer quorum is recognised by a version we do not know.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** Statements for SQLite, run with `exec` inside the migration transaction. */
  readonly sqlite: string;
  /** Statements for PostgreSQL, run in one simple-protocol query inside the migration transaction. */
  readonly postgres: string;
}

/** Bookkeeping table, identical in both dialects; created before any migration runs. */
export const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at BIGINT NOT NULL
)`;
