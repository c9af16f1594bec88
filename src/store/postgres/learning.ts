/** Quality observations and feedback in PostgreSQL: idempotent inserts, filtered reads (newest first). */
import type pg from "pg";
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

export class PostgresLearning {
  constructor(private readonly pool: pg.Pool) {}

  async record(observations: readonly QualityObservation[]): Promise<number> {
    if (observations.length === 0) return 0;
    for (const o of observations) checkUnitInterval("a quality score", o.score);
    // One statement: unnest the columns, so a batch is atomic and costs one round trip.
    const column = <T>(pick: (o: QualityObservation) => T) => observations.map(pick);
    const result = await this.pool.query(
      `INSERT INTO quality_observations (${OBSERVATION_COLUMNS})
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::text[], $8::bigint[])
       ON CONFLICT (id) DO NOTHING`,
      [
        column((o) => o.id),
        column((o) => o.taskType),
        column((o) => o.model),
        column((o) => o.score),
        column((o) => o.source),
        column((o) => o.runId),
        column((o) => o.stepId),
        column((o) => o.atMs),
      ],
    );
    return result.rowCount ?? 0;
  }

  async list(query: QualityQuery = {}): Promise<QualityObservation[]> {
    const where: string[] = [];
    const values: Array<string | number> = [];
    if (query.sinceMs !== undefined) {
      values.push(query.sinceMs);
      where.push(`at >= $${values.length}`);
    }
    if (query.taskType !== undefined) {
      values.push(query.taskType);
      where.push(`task_type = $${values.length}`);
    }
    values.push(query.limit ?? DEFAULT_OBSERVATION_LIMIT);
    const result = await this.pool.query<ObservationRow>(
      `SELECT ${OBSERVATION_COLUMNS} FROM quality_observations${where.length > 0 ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY at DESC, id LIMIT $${values.length}`,
      values,
    );
    return result.rows.map(toObservation);
  }

  async recordFeedback(f: FeedbackRecord): Promise<void> {
    checkUnitInterval("a rating", f.rating);
    await this.pool.query(
      `INSERT INTO feedback (${FEEDBACK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
      [f.id, f.runId, f.stepId, f.rating, f.comment ?? null, f.ratedBy ?? null, f.atMs],
    );
  }

  async listFeedback(runId: string, stepId?: string): Promise<FeedbackRecord[]> {
    const result =
      stepId === undefined
        ? await this.pool.query<FeedbackRow>(
            `SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE run_id = $1 ORDER BY at, id`,
            [runId],
          )
        : await this.pool.query<FeedbackRow>(
            `SELECT ${FEEDBACK_COLUMNS} FROM feedback WHERE run_id = $1 AND step_id = $2 ORDER BY at, id`,
            [runId, stepId],
          );
    return result.rows.map(toFeedback);
  }
}
