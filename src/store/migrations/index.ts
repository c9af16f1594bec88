/**
 * Every migration, in order. Append new ones here; `LATEST_SCHEMA_VERSION` follows automatically.
 */
import { initial } from "./0001-initial.js";
import { spendAndCache } from "./0002-spend-and-cache.js";
import { learning } from "./0003-learning.js";
import { alertHistory } from "./0004-alert-history.js";
import { leanJournal } from "./0005-lean-journal.js";
import { spendExpiry } from "./0006-spend-expiry.js";
import { documentsInJournal } from "./0007-documents-in-journal.js";
import type { Migration } from "./migration.js";

export type { Migration } from "./migration.js";
export { SCHEMA_MIGRATIONS_DDL } from "./migration.js";

export const MIGRATIONS: readonly Migration[] = [
  initial,
  spendAndCache,
  learning,
  alertHistory,
  leanJournal,
  spendExpiry,
  documentsInJournal,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Migrations a database at `currentVersion` still needs, in order. */
export function pendingMigrations(
  currentVersion: number,
  migrations: readonly Migration[] = MIGRATIONS,
): Migration[] {
  return migrations.filter((migration) => migration.version > currentVersion);
}
