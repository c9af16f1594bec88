/**
 * Schema v6: reservations expire, and ledger and cache rows can be garbage-collected.
 *
 * A reservation left open by a crashed process used to count against every budget forever. Each
 * reservation now carries `expires_at` (created + a TTL longer than any call may take); past it, it no
 * longer counts, and `expireSpendReservations` settles it with outcome `expired` at cost 0 (a late
 * settlement of the same call still replaces it with the exact cost). Rows reserved before this
 * migration get the default TTL of one hour. Indexes serve the sweeps: open reservations by expiry,
 * cache rows by expiry.
 *
 * Independent of migration 5 (it touches only `spend` and `response_cache`), so either merge order works.
 * SQLite cannot change a CHECK constraint in place, so `spend` is rebuilt; PostgreSQL alters it.
 */
import type { Migration } from "./migration.js";

/** TTL given to reservations that were open when the migration ran (matches the store default). */
const legacyTtlMs = 3_600_000;

const columns =
  "id, run_id, workflow_name, step_id, model, day, status, estimate_micro_usd, cost_micro_usd, outcome, created_at, settled_at";

const indexes = `
CREATE INDEX spend_run ON spend (run_id, step_id);
CREATE INDEX spend_day ON spend (day);
CREATE INDEX spend_created ON spend (created_at);
CREATE INDEX spend_open ON spend (status, expires_at);
CREATE INDEX response_cache_expires ON response_cache (expires_at);
`;

const sqlite = `
CREATE TABLE spend_v6 (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  workflow_name TEXT NOT NULL,
  step_id TEXT NOT NULL,
  model TEXT NOT NULL,
  day TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('reserved','settled')),
  estimate_micro_usd INTEGER NOT NULL,
  cost_micro_usd INTEGER NOT NULL DEFAULT 0,
  outcome TEXT CHECK (outcome IN ('ok','error','cancelled','expired')),
  created_at INTEGER NOT NULL,
  settled_at INTEGER,
  expires_at INTEGER NOT NULL
);
INSERT INTO spend_v6 (${columns}, expires_at) SELECT ${columns}, created_at + ${legacyTtlMs} FROM spend;
DROP TABLE spend;
ALTER TABLE spend_v6 RENAME TO spend;
${indexes}`;

const postgres = `
ALTER TABLE spend DROP CONSTRAINT IF EXISTS spend_outcome_check;
ALTER TABLE spend ADD CONSTRAINT spend_outcome_check CHECK (outcome IN ('ok','error','cancelled','expired'));
ALTER TABLE spend ADD COLUMN expires_at BIGINT;
UPDATE spend SET expires_at = created_at + ${legacyTtlMs};
ALTER TABLE spend ALTER COLUMN expires_at SET NOT NULL;
CREATE INDEX spend_open ON spend (status, expires_at);
CREATE INDEX response_cache_expires ON response_cache (expires_at);
`;

export const spendExpiry: Migration = {
  version: 6,
  name: "spend-expiry",
  sqlite,
  postgres,
};
