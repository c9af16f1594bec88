/**
 * Schema v3: what the router learns from. `quality_observations` holds one row per piece of evidence
 * (a gate score or a rating) about a model on a task type; it is keyed by a caller-made id so recording
 * is idempotent, and it is deliberately not deleted with runs (learning outlives run GC).
 * `feedback` keeps people's ratings as given, per run and step, and is deleted with its run.
 * (Version 2 is reserved for another change developed in parallel.)
 */
import type { Migration } from "./migration.js";

const table = (real: string) => `
CREATE TABLE quality_observations (
  id TEXT PRIMARY KEY,
  task_type TEXT NOT NULL,
  model TEXT NOT NULL,
  score ${real} NOT NULL CHECK (score >= 0 AND score <= 1),
  source TEXT NOT NULL CHECK (source IN ('gate','feedback')),
  run_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX quality_observations_task_at ON quality_observations (task_type, at DESC);
CREATE INDEX quality_observations_at ON quality_observations (at DESC);
CREATE TABLE feedback (
  id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  step_id TEXT NOT NULL,
  rating ${real} NOT NULL CHECK (rating >= 0 AND rating <= 1),
  comment TEXT,
  rated_by TEXT,
  at BIGINT NOT NULL
);
CREATE INDEX feedback_run ON feedback (run_id, step_id, at);
`;

export const learning: Migration = {
  version: 3,
  name: "learning",
  sqlite: table("REAL"),
  postgres: table("DOUBLE PRECISION"),
};
