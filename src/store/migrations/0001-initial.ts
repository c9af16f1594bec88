/**
 * Schema v1. Both dialects keep the same tables and columns so one contract suite proves both.
 *
 * Choices (docs/store.md): events keyed by `(run_id, seq)` — the primary key is the ordering and the
 * optimistic-concurrency backstop; payloads are JSON *text* (stored as given, never re-serialized, no
 * jsonb conversion on the hot path); no foreign keys (the runs row guard in appendEvents already proves
 * the run exists, and GC deletes explicitly); blobs split into 1 MiB chunks so a 50 MB document never has
 * to pass through one giant parameter, and touching a blob never rewrites its bytes.
 */
import type { Migration } from "./migration.js";

const sqlite = `
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  workflow_name TEXT NOT NULL,
  workflow_hash TEXT NOT NULL,
  definition_hash TEXT NOT NULL,
  inputs TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('pending','running','waiting','succeeded','failed','cancelled')),
  next_seq INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  wake_at INTEGER
);
CREATE INDEX runs_runnable ON runs (priority DESC, created_at, id) WHERE status IN ('pending','running');
CREATE INDEX runs_wake ON runs (wake_at) WHERE status = 'waiting';
CREATE INDEX runs_created ON runs (created_at DESC, id DESC);
CREATE INDEX runs_status_created ON runs (status, created_at DESC, id DESC);
CREATE TABLE events (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  call_key TEXT,
  payload TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;
CREATE INDEX events_call_key ON events (run_id, call_key) WHERE call_key IS NOT NULL;
CREATE TABLE documents (
  run_id TEXT NOT NULL,
  document_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  blob_hash TEXT NOT NULL,
  size_bytes INTEGER NOT NULL,
  step_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  model TEXT,
  input_versions TEXT NOT NULL,
  seq INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, document_id, version)
) WITHOUT ROWID;
CREATE TABLE blob_refs (
  run_id TEXT NOT NULL,
  blob_hash TEXT NOT NULL,
  PRIMARY KEY (run_id, blob_hash)
) WITHOUT ROWID;
CREATE INDEX blob_refs_hash ON blob_refs (blob_hash);
CREATE TABLE blobs (
  hash TEXT PRIMARY KEY,
  size_bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE blob_chunks (
  hash TEXT NOT NULL,
  idx INTEGER NOT NULL,
  bytes BLOB NOT NULL,
  PRIMARY KEY (hash, idx)
);
`;

const postgres = `
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  workflow_name TEXT NOT NULL,
  workflow_hash TEXT NOT NULL,
  definition_hash TEXT NOT NULL,
  inputs TEXT NOT NULL,
  priority INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL CHECK (status IN ('pending','running','waiting','succeeded','failed','cancelled')),
  next_seq INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  lease_owner TEXT,
  lease_expires_at BIGINT,
  wake_at BIGINT
);
CREATE INDEX runs_runnable ON runs (priority DESC, created_at, id) WHERE status IN ('pending','running');
CREATE INDEX runs_wake ON runs (wake_at) WHERE status = 'waiting';
CREATE INDEX runs_created ON runs (created_at DESC, id DESC);
CREATE INDEX runs_status_created ON runs (status, created_at DESC, id DESC);
CREATE TABLE events (
  run_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  type TEXT NOT NULL,
  at BIGINT NOT NULL,
  call_key TEXT,
  payload TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX events_call_key ON events (run_id, call_key) WHERE call_key IS NOT NULL;
CREATE TABLE documents (
  run_id TEXT NOT NULL,
  document_id TEXT NOT NULL,
  version INTEGER NOT NULL,
  blob_hash TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  step_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  model TEXT,
  input_versions TEXT NOT NULL,
  seq INTEGER NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (run_id, document_id, version)
);
CREATE TABLE blob_refs (
  run_id TEXT NOT NULL,
  blob_hash TEXT NOT NULL,
  PRIMARY KEY (run_id, blob_hash)
);
CREATE INDEX blob_refs_hash ON blob_refs (blob_hash);
CREATE TABLE blobs (
  hash TEXT PRIMARY KEY,
  size_bytes BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE blob_chunks (
  hash TEXT NOT NULL,
  idx INTEGER NOT NULL,
  bytes BYTEA NOT NULL,
  PRIMARY KEY (hash, idx)
);
ALTER TABLE blob_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL;
`;

export const initial: Migration = { version: 1, name: "initial", sqlite, postgres };
