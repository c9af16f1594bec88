/**
 * Blobs in SQLite. A small blob is one row in `blobs` with its bytes inline; a larger one
 * is a row plus 1 MiB rows in `blob_chunks`. Putting known content only touches its `created_at` (so
 * GC's grace period restarts) and never rewrites bytes.
 */

import { StoreCorruptError } from "../../errors/index.js";
import type { OrphanBlobReport } from "../../spec/index.js";
import { chunkBytes, INLINE_BLOB_BYTES, isBlobHash, joinChunks, sha256Hex } from "../blob-hash.js";
import type { SqliteDatabase } from "./connection.js";

export class SqliteContent {
  private readonly touch;
  private readonly upsertInline;
  private readonly insertBlob;
  private readonly insertChunk;
  private readonly size;
  private readonly chunks;
  private readonly putTx;
  private readonly getTx;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly target: string,
    private readonly now: () => number,
  ) {
    this.touch = db.prepare("UPDATE blobs SET created_at = max(created_at, ?) WHERE hash = ?");
    this.upsertInline = db.prepare(
      `INSERT INTO blobs (hash, size_bytes, created_at, inline_bytes) VALUES (?, ?, ?, ?)
       ON CONFLICT (hash) DO UPDATE SET created_at = max(created_at, excluded.created_at)`,
    );
    this.insertBlob = db.prepare("INSERT INTO blobs (hash, size_bytes, created_at) VALUES (?, ?, ?)");
    this.insertChunk = db.prepare("INSERT INTO blob_chunks (hash, idx, bytes) VALUES (?, ?, ?)");
    this.size = db.prepare("SELECT size_bytes, inline_bytes FROM blobs WHERE hash = ?");
    this.chunks = db.prepare("SELECT bytes FROM blob_chunks WHERE hash = ? ORDER BY idx").pluck();
    this.putTx = db.transaction((hash: string, bytes: Uint8Array, nowMs: number) => {
      if (bytes.byteLength <= INLINE_BLOB_BYTES) {
        this.upsertInline.run(hash, bytes.byteLength, nowMs, bytes);
        return;
      }
      if (this.touch.run(nowMs, hash).changes > 0) return;
      for (const [index, chunk] of chunkBytes(bytes).entries()) this.insertChunk.run(hash, index, chunk);
      this.insertBlob.run(hash, bytes.byteLength, nowMs);
    });
    this.getTx = db.transaction((hash: string): Uint8Array | undefined => {
      const row = this.size.get(hash) as { size_bytes: number; inline_bytes: Buffer | null } | undefined;
      if (row === undefined) return undefined;
      const sizeBytes = row.size_bytes;
      if (row.inline_bytes !== null) {
        if (row.inline_bytes.byteLength === sizeBytes) return row.inline_bytes;
        throw new StoreCorruptError(
          this.target,
          `blob ${hash} has ${row.inline_bytes.byteLength} of its ${sizeBytes} bytes`,
        );
      }
      const chunks = this.chunks.all(hash) as Buffer[];
      const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
      if (total !== sizeBytes) {
        throw new StoreCorruptError(this.target, `blob ${hash} has ${total} of its ${sizeBytes} bytes`);
      }
      return joinChunks(chunks, sizeBytes);
    });
  }

  putBlob(bytes: Uint8Array): string {
    const hash = sha256Hex(bytes);
    this.putTx(hash, bytes, this.now());
    return hash;
  }

  getBlob(hash: string): Uint8Array | undefined {
    return isBlobHash(hash) ? this.getTx(hash) : undefined;
  }

  deleteOrphanBlobs(olderThanMs: number): OrphanBlobReport {
    const collect = this.db.transaction((): OrphanBlobReport => {
      const orphans = this.db
        .prepare(
          `SELECT hash, size_bytes FROM blobs b WHERE created_at < ?
             AND hash NOT IN (SELECT blob_hash FROM blob_refs)`,
        )
        .all(olderThanMs) as { hash: string; size_bytes: number }[];
      const deleteChunks = this.db.prepare("DELETE FROM blob_chunks WHERE hash = ?");
      const deleteBlob = this.db.prepare("DELETE FROM blobs WHERE hash = ?");
      let bytesDeleted = 0;
      for (const orphan of orphans) {
        deleteChunks.run(orphan.hash);
        deleteBlob.run(orphan.hash);
        bytesDeleted += orphan.size_bytes;
      }
      return { blobsDeleted: orphans.length, bytesDeleted };
    });
    return collect.immediate();
  }
}
