/** Alert history in SQLite (migration 0004): append in one transaction, read by time. */
import type { AlertEventQuery, AlertEventRecord, NewAlertEvent } from "../../spec/index.js";
import { type AlertRow, alertLimit, encodeAlert, toAlertRecord } from "../alert-codec.js";
import type { SqliteDatabase } from "./connection.js";

export class SqliteAlerts {
  private readonly insert;
  private readonly select;
  private readonly appendTx;

  constructor(db: SqliteDatabase) {
    this.insert = db.prepare("INSERT INTO alert_events (at, rule, state, payload) VALUES (?, ?, ?, ?)");
    this.select = db.prepare("SELECT seq, payload FROM alert_events WHERE at >= ? ORDER BY at, seq LIMIT ?");
    this.appendTx = db.transaction((events: readonly NewAlertEvent[]) => {
      for (const e of events) this.insert.run(e.atMs, e.rule, e.state, encodeAlert(e));
    });
  }

  append(events: readonly NewAlertEvent[]): void {
    this.appendTx(events);
  }

  list(query?: AlertEventQuery): AlertEventRecord[] {
    const rows = this.select.all(query?.sinceMs ?? 0, alertLimit(query)) as AlertRow[];
    return rows.map(toAlertRecord);
  }
}
