/**
 * Schema v7: the journal is the document index. The `documents` table repeated what every
 * `document-version` event already holds, and writing its row cost each step one more b-tree page in
 * SQLite's WAL (keyed by document id, it splits like a random index) and one more insert in the
 * PostgreSQL append statement. `listDocumentVersions` now reads a run's `document-version` events, so
 * runs written before this version list exactly as before. Small documents also travel in their event
 * (`content`), with no blob and no blob ref. Measured in docs/performance.md.
 */
import type { Migration } from "./migration.js";

export const documentsInJournal: Migration = {
  version: 7,
  name: "documents-in-journal",
  sqlite: "DROP TABLE IF EXISTS documents;",
  postgres: "DROP TABLE IF EXISTS documents;",
};
