/**
 * Brings a SQLite file to the latest schema. The check runs first in a plain read transaction, which in
 * WAL mode never waits for a writer, so opening a current database (every `quorum status`, `quorum runs`)
 * goes through while another process holds the write lock. Only when there is something to change does it
 * take an IMMEDIATE transaction and check again inside it, so two processes opening a new file at once
 * serialize and the second finds nothing to do. Refuses, before changing anything, a file that belongs to
 * another application or was written by a newer quorum.
 */
import { StoreCorruptError, StoreVersionError } from "../../errors/index.js";
import { MIGRATIONS, type Migration, pendingMigrations, SCHEMA_MIGRATIONS_DDL } from "../migrations/index.js";
import { QUORUM_APPLICATION_ID, type SqliteDatabase } from "./connection.js";

interface SchemaState {
  readonly applicationId: number;
  /** Highest applied migration; 0 when there is no `schema_migrations` table yet. */
  readonly version: number;
}

/** Applies pending migrations; returns the schema version the database is at afterwards. */
export function migrateSqlite(
  db: SqliteDatabase,
  target: string,
  now: () => number,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const isCurrent = (state: SchemaState): boolean =>
    state.applicationId === QUORUM_APPLICATION_ID && state.version === latest;
  // Read-only: takes no write lock (a deferred transaction gives one consistent snapshot of the checks).
  const seen = db.transaction(() => readSchemaState(db, target, latest))();
  if (isCurrent(seen)) return latest;
  const migrate = db.transaction((): number => {
    const state = readSchemaState(db, target, latest); // another process may have migrated meanwhile
    if (isCurrent(state)) return latest;
    db.exec(SCHEMA_MIGRATIONS_DDL);
    const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
    for (const migration of pendingMigrations(state.version, migrations)) {
      db.exec(migration.sqlite);
      record.run(migration.version, migration.name, now());
    }
    if (state.applicationId !== QUORUM_APPLICATION_ID) db.pragma(`application_id = ${QUORUM_APPLICATION_ID}`);
    return Math.max(state.version, latest);
  });
  return migrate.immediate();
}

/** Reads, without writing, whose file this is and its schema version; throws on a file quorum must not touch. */
function readSchemaState(db: SqliteDatabase, target: string, latest: number): SchemaState {
  const applicationId = db.pragma("application_id", { simple: true }) as number;
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    .pluck()
    .all() as string[];
  if (applicationId !== QUORUM_APPLICATION_ID && tables.length > 0) {
    throw new StoreCorruptError(
      target,
      `it is a SQLite database of another application (application_id ${applicationId}, tables: ${tables.slice(0, 5).join(", ")}${tables.length > 5 ? ", …" : ""})`,
    );
  }
  if (applicationId === QUORUM_APPLICATION_ID && !tables.includes("schema_migrations")) {
    throw new StoreCorruptError(
      target,
      "it is marked as a quorum database but has no schema_migrations table",
    );
  }
  const version = tables.includes("schema_migrations")
    ? ((db.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations").pluck().get() as number) ?? 0)
    : 0;
  if (version > latest) throw new StoreVersionError(target, version, latest);
  return { applicationId, version };
}
