/**
 * Turns events into what both backends write: the JSON text (serialized once, stored as given), the
 * columns the store indexes (`type`, `callKey`) and the blobs the event keeps alive. Reading back, it
 * also turns a `document-version` event into its document record. This and `rows.ts` are the only
 * places the store looks inside an event.
 */
import type { DocumentVersionEvent, DocumentVersionRecord, JournalEntry, RunEvent } from "../spec/index.js";

export interface EncodedEvent {
  readonly type: string;
  readonly payload: string;
  readonly callKey: string | null;
  /** Blob hashes referenced: `blobs`, plus `blobHash` of a document version whose bytes are a blob. */
  readonly blobs: readonly string[];
}

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

/** Shared by every event without blobs (most of them): never mutated. */
const noBlobs: readonly string[] = [];

export function encodeEvents(
  runId: string,
  events: readonly RunEvent[],
  maxEventBytes: number,
): EncodedEvent[] {
  return events.map((event) => encodeEvent(runId, event, maxEventBytes));
}

function encodeEvent(runId: string, event: RunEvent, maxEventBytes: number): EncodedEvent {
  if (typeof event?.type !== "string" || event.type.length === 0) {
    throw new TypeError(`run '${runId}': every event needs a non-empty string 'type'`);
  }
  const payload = JSON.stringify(event);
  // UTF-8 is at most 3 bytes per UTF-16 unit: measure exactly only when the cheap bound is exceeded.
  if (payload.length * 3 > maxEventBytes && Buffer.byteLength(payload) > maxEventBytes) {
    throw new RangeError(
      `run '${runId}': a '${event.type}' event is ${Buffer.byteLength(payload)} bytes, over the ${maxEventBytes}-byte limit; put large content in a blob (putBlob) and reference its hash in the event`,
    );
  }
  const loose = event as { callKey?: unknown; blobs?: unknown };
  const callKey = typeof loose.callKey === "string" ? loose.callKey : null;
  const blobs = Array.isArray(loose.blobs)
    ? loose.blobs.filter((b): b is string => typeof b === "string")
    : noBlobs;
  // A small document's text is in the event itself: there is no blob to keep alive.
  if (event.type !== "document-version" || typeof event.content === "string")
    return { type: event.type, payload, callKey, blobs };
  return { type: event.type, payload, callKey, blobs: [...blobs, event.blobHash] };
}

/** A stored event row, as both drivers return it. */
export interface EventRow {
  readonly seq: number;
  readonly at: number;
  readonly payload: string;
}

export function decodeEvent<E = RunEvent>(row: EventRow): JournalEntry<E> {
  return { seq: row.seq, atMs: row.at, event: JSON.parse(row.payload) as E };
}

/**
 * The record of one `document-version` event, as `listDocumentVersions` returns it. The journal is the
 * document index (schema v7 dropped the separate table, one write less per step): a run's versions are
 * its `document-version` events, sorted by document id then version.
 */
export function documentRecords(
  runId: string,
  rows: readonly EventRow[],
  documentId?: string,
): DocumentVersionRecord[] {
  const records: DocumentVersionRecord[] = [];
  for (const row of rows) {
    const event = JSON.parse(row.payload) as DocumentVersionEvent;
    if (documentId !== undefined && event.documentId !== documentId) continue;
    records.push({
      runId,
      documentId: event.documentId,
      version: event.version,
      blobHash: event.blobHash,
      sizeBytes: event.sizeBytes,
      stepId: event.stepId,
      attempt: event.attempt,
      ...(event.model === undefined ? {} : { model: event.model }),
      inputVersions: event.inputVersions ?? [],
      seq: row.seq,
      createdAtMs: row.at,
      ...(event.content === undefined ? {} : { content: event.content }),
    });
  }
  return records.sort((a, b) =>
    a.documentId === b.documentId ? a.version - b.version : a.documentId < b.documentId ? -1 : 1,
  );
}
