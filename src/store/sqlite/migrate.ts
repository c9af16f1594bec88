/**
 * Brings a SQLite file to the latest schema inside one IMMEDIATE transaction, so two processes opening a
 * new file at once serialize and the second finds nothing to do. Refuses, before changing anything, a
 * file that belongs to another application or was written by a newer quorum.
 */
import { StoreCorruptError, StoreVersionError } from "../../errors/index.js";
import { MIGRATIONS, type Migration, pendingMigrations, SCHEMA_MIGRATIONS_DDL } from "../migrations/index.js";
import { QUORUM_APPLICATION_ID, type SqliteDatabase } from "./connection.js";

/** Applies pending migrations; returns the schema version the database is at afterwards. */
export function migrateSqlite(
  db: SqliteDatabase,
  target: string,
  now: () => number,
  migrations: readonly Migration[] = MIGRATIONS,
): number {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const migrate = db.transaction((): number => {
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
    db.exec(SCHEMA_MIGRATIONS_DDL);
    const current =
      (db.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations").pluck().get() as number) ?? 0;
    if (current > latest) throw new StoreVersionError(target, current, latest);
    const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
    for (const migration of pendingMigrations(current, migrations)) {
      db.exec(migration.sqlite);
      record.run(migration.version, migration.name, now());
    }
    if (applicationId !== QUORUM_APPLICATION_ID) db.pragma(`application_id = ${QUORUM_APPLICATION_ID}`);
    return Math.max(current, latest);
  });
  return migrate.immediate();
}
