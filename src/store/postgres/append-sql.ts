/**
 * The one statement behind `appendEvents` on PostgreSQL: it checks and advances each run's sequence,
 * inserts the events and blob refs, and sends NOTIFY, for a whole batch of runs, in
 * a single round trip and a single commit (one WAL flush for the batch: group commit).
 *
 * The guard is the `UPDATE runs … WHERE next_seq = expected`: a concurrent writer blocks on the row lock,
 * then re-checks the condition against the committed row, finds the sequence moved and changes nothing;
 * rows it did not bump get no events. `(run_id, seq)` as primary key is the backstop.
 */
import { INLINE_BLOB_BYTES } from "../blob-hash.js";
import type { EncodedEvent } from "../event-codec.js";

export const APPEND_SQL = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::text[], $6::bool[], $7::bigint[], $8::bool[])
    AS i(run_id, expected_seq, n, at, status, set_wake, wake_at, notify)
), bumped AS (
  UPDATE runs r SET next_seq = r.next_seq + i.n, updated_at = i.at, status = coalesce(i.status, r.status),
    wake_at = CASE WHEN i.set_wake THEN i.wake_at ELSE r.wake_at END
  FROM input i
  WHERE r.id = i.run_id AND r.next_seq = i.expected_seq AND r.status NOT IN ('succeeded', 'failed', 'cancelled')
  RETURNING r.id, i.notify
), ev AS (
  INSERT INTO events (run_id, seq, type, at, call_key, payload)
  SELECT e.run_id, e.seq, e.type, e.at, e.call_key, e.payload
  FROM unnest($9::text[], $10::int[], $11::text[], $12::bigint[], $13::text[], $14::text[])
    AS e(run_id, seq, type, at, call_key, payload)
  WHERE e.run_id IN (SELECT id FROM bumped)
), ref AS (
  INSERT INTO blob_refs (run_id, blob_hash)
  SELECT DISTINCT b.run_id, b.blob_hash FROM unnest($15::text[], $16::text[]) AS b(run_id, blob_hash)
  WHERE b.run_id IN (SELECT id FROM bumped)
  ON CONFLICT DO NOTHING
)
SELECT id, CASE WHEN notify THEN pg_notify($17, '') END AS notified FROM bumped`;

/** One queued append. */
export interface AppendItem {
  readonly runId: string;
  readonly expectedNextSeq: number;
  readonly events: readonly EncodedEvent[];
  readonly atMs: number;
  readonly status: string | null;
  readonly wakeAtMs: number | null | undefined;
  readonly notify: boolean;
  /** Small blobs (one chunk each) written by the same statement as the events that reference them. */
  readonly blobs?: ReadonlyArray<{ readonly hash: string; readonly bytes: Buffer }>;
}

/** Column arrays for `APPEND_SQL`, built in one pass over the batch. */
export function appendParams(items: readonly AppendItem[], channel: string): unknown[] {
  const runs = columns(8);
  const events = columns(6);
  const refs = columns(2);
  for (const item of items) {
    const { runId, expectedNextSeq, atMs, wakeAtMs } = item;
    push(
      runs,
      runId,
      expectedNextSeq,
      item.events.length,
      atMs,
      item.status,
      wakeAtMs !== undefined,
      wakeAtMs ?? null,
      item.notify,
    );
    let seq = item.expectedNextSeq;
    for (const event of item.events) {
      push(events, item.runId, seq, event.type, item.atMs, event.callKey, event.payload);
      for (const hash of event.blobs) push(refs, item.runId, hash);
      seq += 1;
    }
  }
  return [...runs, ...events, ...refs, channel];
}

const columns = (count: number): unknown[][] => Array.from({ length: count }, () => []);

/** Appends `values[i]` to `target[i]`. */
function push(target: readonly unknown[][], ...values: unknown[]): void {
  for (let i = 0; i < values.length; i++) target[i]?.push(values[i]);
}

/**
 * The statement for a batch of one run, the common case (one sequential run, or no concurrency): the
 * same guard and writes without the per-run unnest and joins, about 0.15 ms cheaper per append. The
 * blob-ref and blob inserts are included only when the batch has any, so four variants exist.
 */
export function singleAppend(
  item: AppendItem,
  channel: string,
): { name: string; text: string; values: unknown[] } {
  const values: unknown[] = [item.runId, item.expectedNextSeq, item.events.length, item.atMs, item.status];
  values.push(item.wakeAtMs !== undefined, item.wakeAtMs ?? null, item.notify, channel);
  const events = columns(3);
  const refs: string[] = [];
  for (const event of item.events) {
    push(events, event.type, event.callKey, event.payload);
    refs.push(...event.blobs);
  }
  values.push(...events);
  const parts = [
    `WITH bumped AS (
      UPDATE runs SET next_seq = next_seq + $3, updated_at = $4, status = coalesce($5, status),
        wake_at = CASE WHEN $6 THEN $7 ELSE wake_at END
      WHERE id = $1 AND next_seq = $2 AND status NOT IN ('succeeded', 'failed', 'cancelled')
      RETURNING id
    ), ev AS (
      INSERT INTO events (run_id, seq, type, at, call_key, payload)
      SELECT $1, $2 + e.ord - 1, e.type, $4, e.call_key, e.payload
      FROM bumped, unnest($10::text[], $11::text[], $12::text[]) WITH ORDINALITY AS e(type, call_key, payload, ord)
    )`,
  ];
  if (refs.length > 0) {
    parts.push(`, ref AS (
      INSERT INTO blob_refs (run_id, blob_hash) SELECT DISTINCT $1, h FROM bumped, unnest($${values.length + 1}::text[]) AS h
      ON CONFLICT DO NOTHING
    )`);
    values.push(refs);
  }
  const blobs = item.blobs ?? [];
  if (blobs.length > 0) {
    // The blob rows first (their locks order us against a concurrent GC), then the chunks: the same
    // order as putBlob, in the same statement and commit as the events that reference them.
    const at = values.length;
    // Small blobs keep their bytes in the row (INLINE_BLOB_BYTES); the others get their one chunk.
    parts.push(`, blob AS (
      INSERT INTO blobs (hash, size_bytes, created_at, inline_bytes)
      SELECT b.h, b.s, $4, CASE WHEN b.s <= ${INLINE_BLOB_BYTES} THEN b.bytes END
      FROM unnest($${at + 1}::text[], $${at + 2}::bigint[], $${at + 3}::bytea[]) AS b(h, s, bytes)
      ON CONFLICT (hash) DO UPDATE SET created_at = greatest(blobs.created_at, EXCLUDED.created_at)
      RETURNING hash, inline_bytes IS NULL AS chunked
    ), chunk AS (
      INSERT INTO blob_chunks (hash, idx, bytes)
      SELECT c.h, 0, c.bytes FROM unnest($${at + 1}::text[], $${at + 3}::bytea[]) AS c(h, bytes)
      WHERE c.h IN (SELECT hash FROM blob WHERE chunked)
      ON CONFLICT DO NOTHING
    )`);
    values.push(
      blobs.map((b) => b.hash),
      blobs.map((b) => b.bytes.byteLength),
      blobs.map((b) => b.bytes),
    );
  }
  parts.push(`SELECT id, CASE WHEN $8 THEN pg_notify($9, '') END::text AS notified FROM bumped`);
  const name = `quorum_append_one${refs.length > 0 ? "_refs" : ""}${blobs.length > 0 ? "_blobs" : ""}_v3`;
  return { name, text: parts.join("\n"), values };
}
