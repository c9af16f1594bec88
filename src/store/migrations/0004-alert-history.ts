/**
 * Schema v4: alert history. One row per alert transition (firing/resolved), so a monitor that restarts
 * knows which rules were already firing, and `quorum monitor report` can list what fired. The payload is
 * the JSON of the transition; `rule` and `at` are columns because history is read by time, then by rule.
 */
import type { Migration } from "./migration.js";

export const alertHistory: Migration = {
  version: 4,
  name: "alert-history",
  sqlite: `
CREATE TABLE alert_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  rule TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('firing','resolved')),
  payload TEXT NOT NULL
);
CREATE INDEX alert_events_at ON alert_events (at, seq);
`,
  postgres: `
CREATE TABLE alert_events (
  seq BIGSERIAL PRIMARY KEY,
  at BIGINT NOT NULL,
  rule TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('firing','resolved')),
  payload TEXT NOT NULL
);
CREATE INDEX alert_events_at ON alert_events (at, seq);
`,
};
