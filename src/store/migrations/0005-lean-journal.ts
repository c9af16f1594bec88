/**
 * Schema v5: a leaner journal write. The partial index on `(run_id, call_key)` cost one extra b-tree
 * write per model call on the hottest path (every step's `model-call-start` and `-end`), yet nothing on
 * that path reads it: the runtime answers recorded calls from its in-memory index of the journal, and
 * `readCallEvents` (diagnostics) scans one run's events by the primary key's `run_id` prefix instead.
 * Likewise `blob_refs_hash`: one more b-tree write per step, read only by blob GC, which now finds
 * unreferenced blobs with one pass over `blob_refs` (an anti-join) instead of a lookup per blob.
 * And small blobs (up to 16 KiB, most documents) keep their bytes in their `blobs` row: a put is one
 * upsert instead of a row, a chunk and the chunk's key. Larger blobs are chunked as before, and blobs
 * written before this version are read from their chunks as before.
 * Measured in docs/performance.md.
 */
import type { Migration } from "./migration.js";

export const leanJournal: Migration = {
  version: 5,
  name: "lean-journal",
  sqlite: `DROP INDEX IF EXISTS events_call_key;
DROP INDEX IF EXISTS blob_refs_hash;
ALTER TABLE blobs ADD COLUMN inline_bytes BLOB;`,
  postgres: `DROP INDEX IF EXISTS events_call_key;
DROP INDEX IF EXISTS blob_refs_hash;
ALTER TABLE blobs ADD COLUMN inline_bytes BYTEA;`,
};
