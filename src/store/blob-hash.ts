/**
 * Content addressing for blobs: sha256, lowercase hex. Blobs are written in 1 MiB chunks so a 50 MB
 * document never travels as one giant SQL parameter (PostgreSQL would hex-encode it to 100 MB of text).
 */
import { createHash } from "node:crypto";

export const BLOB_CHUNK_BYTES = 1024 * 1024;

/**
 * Blobs up to this size live in their `blobs` row (`inline_bytes`) instead of a `blob_chunks` row:
 * one b-tree write instead of three (row, chunk, chunk key) for the typical document a step writes.
 */
export const INLINE_BLOB_BYTES = 16 * 1024;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const HASH = /^[0-9a-f]{64}$/;

export const isBlobHash = (hash: string): boolean => HASH.test(hash);

/** Views (no copies) of `bytes` in chunk order; an empty blob is one empty chunk. */
export function chunkBytes(bytes: Uint8Array): Uint8Array[] {
  if (bytes.byteLength === 0) return [bytes];
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.byteLength; offset += BLOB_CHUNK_BYTES) {
    chunks.push(bytes.subarray(offset, Math.min(offset + BLOB_CHUNK_BYTES, bytes.byteLength)));
  }
  return chunks;
}

/** Joins chunks read back in `idx` order into one buffer. */
export function joinChunks(chunks: readonly Uint8Array[], sizeBytes: number): Uint8Array {
  if (chunks.length === 1 && chunks[0]?.byteLength === sizeBytes) return chunks[0];
  return Buffer.concat(chunks, sizeBytes);
}

/** A blob referenced by a run, at most one hour old, is never collected: see deleteOrphanBlobs. */
export const ORPHAN_BLOB_GRACE_MS = 60 * 60 * 1000;
