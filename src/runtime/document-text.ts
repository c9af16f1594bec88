/**
 * A document version's text: its event carries it when the document is small (`content`), else it is
 * the blob `blobHash`. Every reader of stored documents goes through here, so none of them cares where
 * the bytes live.
 */
import type { Store } from "../spec/index.js";

export interface StoredDocument {
  readonly blobHash: string;
  readonly content?: string;
}

export async function documentText(
  store: Pick<Store, "getBlob">,
  document: StoredDocument,
): Promise<string | undefined> {
  if (document.content !== undefined) return document.content;
  const bytes = await store.getBlob(document.blobHash);
  return bytes === undefined ? undefined : Buffer.from(bytes).toString("utf8");
}
