/**
 * Row ↔ record mapping for the learning tables (quality observations, feedback), shared by both
 * backends so they return identical records.
 */
import type { FeedbackRecord, QualityObservation } from "../spec/index.js";

export interface ObservationRow {
  readonly id: string;
  readonly task_type: string;
  readonly model: string;
  readonly score: number;
  readonly source: string;
  readonly run_id: string;
  readonly step_id: string;
  readonly at: number;
}

export interface FeedbackRow {
  readonly id: string;
  readonly run_id: string;
  readonly step_id: string;
  readonly rating: number;
  readonly comment: string | null;
  readonly rated_by: string | null;
  readonly at: number;
}

export const OBSERVATION_COLUMNS = "id, task_type, model, score, source, run_id, step_id, at";
export const FEEDBACK_COLUMNS = "id, run_id, step_id, rating, comment, rated_by, at";
export const DEFAULT_OBSERVATION_LIMIT = 10_000;

export const toObservation = (row: ObservationRow): QualityObservation => ({
  id: row.id,
  taskType: row.task_type,
  model: row.model,
  score: Number(row.score),
  source: row.source as QualityObservation["source"],
  runId: row.run_id,
  stepId: row.step_id,
  atMs: Number(row.at),
});

export const toFeedback = (row: FeedbackRow): FeedbackRecord => ({
  id: row.id,
  runId: row.run_id,
  stepId: row.step_id,
  rating: Number(row.rating),
  ...(row.comment === null ? {} : { comment: row.comment }),
  ...(row.rated_by === null ? {} : { ratedBy: row.rated_by }),
  atMs: Number(row.at),
});

/** Scores and ratings are 0..1; anything else is a caller bug, refused before it reaches SQL. */
export function checkUnitInterval(what: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > 1)
    throw new RangeError(`${what} must be a number from 0 to 1, got ${value}`);
}
