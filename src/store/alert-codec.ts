/** Alert history rows <-> records, shared by both dialects so they agree on the payload exactly. */
import type { AlertEventQuery, AlertEventRecord, NewAlertEvent } from "../spec/index.js";

export interface AlertRow {
  seq: number | string;
  payload: string;
}

export const DEFAULT_ALERT_LIMIT = 1000;

export function alertLimit(query: AlertEventQuery | undefined): number {
  return Math.max(1, Math.min(query?.limit ?? DEFAULT_ALERT_LIMIT, 10_000));
}

export function encodeAlert(event: NewAlertEvent): string {
  const { rule, state, atMs, metric, value, threshold, windowMs, message } = event;
  return JSON.stringify({ rule, state, atMs, metric, value, threshold, windowMs, message });
}

export function toAlertRecord(row: AlertRow): AlertEventRecord {
  return { ...(JSON.parse(row.payload) as NewAlertEvent), seq: Number(row.seq) };
}
