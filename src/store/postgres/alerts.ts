/** Alert history in PostgreSQL (migration 0004): one multi-row insert, read by time. */
import type pg from "pg";
import type { AlertEventQuery, AlertEventRecord, NewAlertEvent } from "../../spec/index.js";
import { type AlertRow, alertLimit, encodeAlert, toAlertRecord } from "../alert-codec.js";

export class PostgresAlerts {
  constructor(private readonly pool: pg.Pool) {}

  async append(events: readonly NewAlertEvent[]): Promise<void> {
    if (events.length === 0) return;
    // unnest keeps insertion order, so seq follows the order of `events`.
    await this.pool.query(
      `INSERT INTO alert_events (at, rule, state, payload)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[])`,
      [
        events.map((e) => e.atMs),
        events.map((e) => e.rule),
        events.map((e) => e.state),
        events.map(encodeAlert),
      ],
    );
  }

  async list(query?: AlertEventQuery): Promise<AlertEventRecord[]> {
    const result = await this.pool.query<AlertRow>(
      "SELECT seq, payload FROM alert_events WHERE at >= $1 ORDER BY at, seq LIMIT $2",
      [query?.sinceMs ?? 0, alertLimit(query)],
    );
    return result.rows.map(toAlertRecord);
  }
}
