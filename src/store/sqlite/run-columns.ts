/**
 * The `runs` columns as the SQLite store reads them. Its journal does not rewrite the `runs` row on a
 * plain append (that row was one more WAL page per step), so the next sequence and the time of the
 * last change are derived: the run's newest event, found by one seek on the `(run_id, seq)` key, and
 * the row's own `updated_at` for status changes. Used for every read of a run, `RETURNING` included.
 */
import { RUN_COLUMNS } from "../rows.js";

/** `runs.id`'s next sequence number, from its newest event. */
const NEXT_SEQ_SQLITE =
  "coalesce((SELECT seq + 1 FROM events WHERE run_id = runs.id ORDER BY seq DESC LIMIT 1), 0)";

/** A run's status and next sequence: what an append's or a status change's guard reads. */
export const PROBE_SQLITE = `SELECT status, ${NEXT_SEQ_SQLITE} AS next_seq FROM runs WHERE id = ?`;

const LAST_CHANGE_SQLITE =
  "max(updated_at, coalesce((SELECT at FROM events WHERE run_id = runs.id ORDER BY seq DESC LIMIT 1), 0))";

export const RUN_COLUMNS_SQLITE = RUN_COLUMNS.replace("next_seq", `${NEXT_SEQ_SQLITE} AS next_seq`).replace(
  "updated_at",
  `${LAST_CHANGE_SQLITE} AS updated_at`,
);
