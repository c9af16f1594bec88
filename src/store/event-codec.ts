/**
 * Turns events into what both backends write: the JSON text (serialized once, stored as given), the
 * columns the store indexes (`type`, `callKey`), the blobs the event keeps alive, and the document index
 * row of a `document-version`. This is the only place the store looks inside an event.
 */
import type { JournalEntry, RunEvent } from "../spec/index.js";

export interface EncodedEvent {
  readonly type: string;
  readonly payload: string;
  readonly callKey: string | null;
  /** Blob hashes referenced: `blobs`, plus `blobHash` of a document version. */
  readonly blobs: readonly string[];
  readonly document?: EncodedDocument;
}

export interface EncodedDocument {
  readonly documentId: string;
  readonly version: number;
  readonly blobHash: string;
  readonly sizeBytes: number;
  readonly stepId: string;
  readonly attempt: number;
  readonly model: string | null;
  readonly inputVersions: string;
}

export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

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
    : [];
  if (event.type !== "document-version") return { type: event.type, payload, callKey, blobs };
  const document: EncodedDocument = {
    documentId: event.documentId,
    version: event.version,
    blobHash: event.blobHash,
    sizeBytes: event.sizeBytes,
    stepId: event.stepId,
    attempt: event.attempt,
    model: event.model ?? null,
    inputVersions: JSON.stringify(event.inputVersions ?? []),
  };
  return { type: event.type, payload, callKey, blobs: [...blobs, event.blobHash], document };
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
