/**
 * Schema v2: the spend ledger (budget reservations reconciled to exact cost) and the exact-response
 * cache. Money is integer micro-dollars. `day` is the reservation's UTC day, so a per-day budget is one
 * indexed sum. Cache rows carry their expiry; an expired row is ignored on read and replaced on write.
 */
import type { Migration } from "./migration.js";

const table = (bigint: string): string => `
CREATE TABLE spend (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  workflow_name TEXT NOT NULL,
  step_id TEXT NOT NULL,
  model TEXT NOT NULL,
  day TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('reserved','settled')),
  estimate_micro_usd ${bigint} NOT NULL,
  cost_micro_usd ${bigint} NOT NULL DEFAULT 0,
  outcome TEXT CHECK (outcome IN ('ok','error','cancelled')),
  created_at ${bigint} NOT NULL,
  settled_at ${bigint}
);
CREATE INDEX spend_run ON spend (run_id, step_id);
CREATE INDEX spend_day ON spend (day);
CREATE INDEX spend_created ON spend (created_at);
CREATE TABLE response_cache (
  key TEXT PRIMARY KEY,
  response TEXT NOT NULL,
  created_at ${bigint} NOT NULL,
  expires_at ${bigint} NOT NULL
);
`;

export const spendAndCache: Migration = {
  version: 2,
  name: "spend-and-cache",
  sqlite: table("INTEGER"),
  postgres: table("BIGINT"),
};
