/**
 * Schema v5: a leaner journal write. The partial index on `(run_id, call_key)` cost one extra b-tree
 * write per model call on the hottest path (every step's `model-call-start` and `-end`), yet nothing on
 * that path reads it: the runtime answers recorded calls from its in-memory index of the journal, and
 * `readCallEvents` (diagnostics) scans one run's events by the primary key's `run_id` prefix instead.
 * Likewise `blob_refs_hash`: one more b-tree write per step, read only by blob GC, which now finds
 * unreferenced blobs with one pass over `blob_refs` (an anti-join) instead of a lookup per blob.
 * Measured in docs/performance.md.
 */
import type { Migration } from "./migration.js";

export const leanJournal: Migration = {
  version: 5,
  name: "lean-journal",
  sqlite: "DROP INDEX IF EXISTS events_call_key;\nDROP INDEX IF EXISTS blob_refs_hash;",
  postgres: "DROP INDEX IF EXISTS events_call_key;\nDROP INDEX IF EXISTS blob_refs_hash;",
};
