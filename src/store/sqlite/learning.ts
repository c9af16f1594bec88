/** Quality observations and feedback in SQLite: idempotent inserts, filtered reads (newest first). */
import type { FeedbackRecord, QualityObservation, QualityQuery } from "../../spec/index.js";
import {
  checkUnitInterval,
  DEFAULT_OBSERVATION_LIMIT,
  FEEDBACK_COLUMNS,
  type FeedbackRow,
  OBSERVATION_COLUMNS,
  type ObservationRow,
  toFeedback,
  toObservation,
} from "../learning-rows.js";
import type { SqliteDatabase } from "./connection.js";

export class SqliteLearning {
  private readonly insertObservation;
  private readonly insertFeedback;
  private readonly recordAll;

  constructor(private readonly db: SqliteDatabase) {
    this.insertObservation = db.prepare(
      `INSERT INTO quality_observations (${OBSERVATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    this.insertFeedback = db.prepare(
      `INSERT INTO feedback (${FEEDBACK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
    );
    this.recordAll = db.transaction((observations: readonly QualityObservation[]): number => {
      let added = 0;
      for (const o of observations)
        added += this.insertObservation.run(
          o.id,
          o.taskType,
          o.model,
          o.score,
          o.source,
          o.runId,
          o.stepId,
          o.atMs,
        ).changes;
      return added;
    });
  }

  record(observations: readonly QualityObservation[]): number {
    for (const o of observations) checkUnitInterval("a quality score", o.score);
    return this.recordAll(observations);
  }

  list(query: QualityQuery = {}): QualityObservation[] {
    const where: string[] = [];
    const values: Array<string | number> = [];
    if (query.sinceMs !== undefined) {
      where.push("at >= ?");
      values.push(query.sinceMs);
    }
    if (query.taskType !== undefined) {
      where.push("task_type = ?");
      values.push(query.taskType);
    }
    const sql = `SELECT ${OBSERVATION_COLUMNS} FROM quality_observations${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY at DESC, id LIMIT ?`;
    const rows = this.db
      .prepare(sql)
      .all(...values, query.limit ?? DEFAULT_OBSERVATION_LIMIT) as ObservationRow[];
    return rows.map(toObservation);
  }

  recordFeedback(f: FeedbackRecord): void {
    checkUnitInterval("a rating", f.rating);
    this.insertFeedback.run(f.id, f.runId, f.stepId, f.rating, f.comment ?? null, f.ratedBy ?? null, f.atMs);
  }

  listFeedback(runId: string, stepId?: string): FeedbackRecord[] {
    const rows = (
      stepId === undefined
        ? this.db
            .prepare(`SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE run_id = ? ORDER BY at, id`)
            .all(runId)
        : this.db
            .prepare(
              `SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE run_id = ? AND step_id = ? ORDER BY at, id`,
            )
            .all(runId, stepId)
    ) as FeedbackRow[];
    return rows.map(toFeedback);
  }
}
