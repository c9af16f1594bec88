/**
 * Call results as the journal keeps them, written and read in one place. A small result is inline in
 * its `-end` event (`result`); a large one is in a content-addressed blob (`resultBlob`). A model
 * answer's large text gets a blob of its own (`resultTextBlob`), apart from the rest of the response:
 * a document made of exactly that text is then the same blob, so a 50 MB answer is stored once, not
 * once inside the response's JSON and again as the document.
 */
import type { JsonValue, Store } from "../spec/index.js";

/** Results at most this long (JSON characters) stay inline in their event. */
export const inlineResultBytes = 32 * 1024;

/** Where an `-end` event keeps its result. */
export interface RecordedResult {
  readonly result?: JsonValue;
  readonly resultBlob?: string;
  readonly resultTextBlob?: string;
}

type BlobReader = Pick<Store, "getBlob">;

/**
 * How to record `result` (a JSON object; `text` is split off when it is large): the fields for its
 * `-end` event, and the blobs they reference, stored before it returns.
 */
export async function storeResult(
  result: { readonly text?: unknown },
  json: string,
  store: Pick<Store, "putBlob">,
): Promise<RecordedResult & { blobs: string[] }> {
  const { text, ...rest } = result;
  if (typeof text !== "string" || text.length <= inlineResultBytes) {
    const blob = await store.putBlob(Buffer.from(json, "utf8"));
    return { resultBlob: blob, blobs: [blob] };
  }
  const textBlob = await store.putBlob(Buffer.from(text, "utf8"));
  const restJson = JSON.stringify(rest);
  if (restJson.length <= inlineResultBytes)
    return { result: rest as JsonValue, resultTextBlob: textBlob, blobs: [textBlob] };
  const restBlob = await store.putBlob(Buffer.from(restJson, "utf8"));
  return { resultBlob: restBlob, resultTextBlob: textBlob, blobs: [restBlob, textBlob] };
}

/** The result an `-end` event recorded, from wherever it keeps it. */
export async function readResult(
  store: BlobReader,
  recorded: RecordedResult,
  what: string,
): Promise<JsonValue> {
  // `!== undefined`, not `??`: a recorded result may be `null` (a tool that answered null).
  const base =
    recorded.result !== undefined ? recorded.result : await readJson(store, recorded.resultBlob, what);
  if (recorded.resultTextBlob === undefined) return base;
  const text = await store.getBlob(recorded.resultTextBlob);
  if (!text) throw missing(what);
  return { ...(base as Record<string, JsonValue>), text: Buffer.from(text).toString("utf8") };
}

async function readJson(store: BlobReader, blob: string | undefined, what: string): Promise<JsonValue> {
  const bytes = blob ? await store.getBlob(blob) : undefined;
  if (!bytes) throw missing(what);
  return JSON.parse(Buffer.from(bytes).toString("utf8")) as JsonValue;
}

const missing = (what: string) => new Error(`a recorded ${what} result is missing from the store`);
