/**
 * Blobs in PostgreSQL. A blob up to INLINE_BLOB_BYTES is one upsert with its bytes in the
 * row; up to one chunk, one statement (row + chunk, idempotent). A large one
 * is first "touched" (known content: no bytes sent again), else written chunk by chunk in a transaction,
 * so a 50 MB document never becomes one 100 MB hex parameter. The `blobs` row is always written before
 * the chunks: its row lock serializes a put against a concurrent `deleteOrphanBlobs` of the same hash.
 */
import type pg from "pg";
import { StoreCorruptError } from "../../errors/index.js";
import type { OrphanBlobReport } from "../../spec/index.js";
import { chunkBytes, INLINE_BLOB_BYTES, isBlobHash, joinChunks, sha256Hex } from "../blob-hash.js";
import type { PostgresTarget } from "./connection.js";

const UPSERT_BLOB = `INSERT INTO blobs (hash, size_bytes, created_at) VALUES ($1, $2, $3)
  ON CONFLICT (hash) DO UPDATE SET created_at = greatest(blobs.created_at, EXCLUDED.created_at)`;
const INSERT_CHUNK = "INSERT INTO blob_chunks (hash, idx, bytes) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";

export class PostgresContent {
  constructor(
    private readonly pool: pg.Pool,
    private readonly target: PostgresTarget,
    private readonly now: () => number,
  ) {}

  async putBlob(bytes: Uint8Array): Promise<string> {
    const hash = sha256Hex(bytes);
    const nowMs = this.now();
    const chunks = chunkBytes(bytes);
    const buffers = chunks.map((chunk) => Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (bytes.byteLength <= INLINE_BLOB_BYTES) {
      await this.pool.query({
        name: "quorum_put_inline_blob_v1",
        text: `INSERT INTO blobs (hash, size_bytes, created_at, inline_bytes) VALUES ($1, $2, $3, $4)
          ON CONFLICT (hash) DO UPDATE SET created_at = greatest(blobs.created_at, EXCLUDED.created_at)`,
        values: [hash, bytes.byteLength, nowMs, buffers[0]],
      });
      return hash;
    }
    if (buffers.length === 1) {
      // The blob row first (its lock orders us against a concurrent GC), then the chunk.
      await this.pool.query({
        name: "quorum_put_small_blob_v2",
        text: `WITH b AS (${UPSERT_BLOB} RETURNING hash)
          INSERT INTO blob_chunks (hash, idx, bytes) SELECT hash, 0, $4 FROM b ON CONFLICT DO NOTHING`,
        values: [hash, bytes.byteLength, nowMs, buffers[0]],
      });
      return hash;
    }
    const touched = await this.pool.query(
      "UPDATE blobs SET created_at = greatest(created_at, $2) WHERE hash = $1",
      [hash, nowMs],
    );
    if (touched.rowCount === 1) return hash;
    const client = await this.pool.connect();
    try {
      await client.query("BEGIN");
      await client.query(UPSERT_BLOB, [hash, bytes.byteLength, nowMs]);
      for (const [index, chunk] of buffers.entries()) await client.query(INSERT_CHUNK, [hash, index, chunk]);
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return hash;
  }

  async getBlob(hash: string): Promise<Uint8Array | undefined> {
    if (!isBlobHash(hash)) return undefined;
    // Inline bytes, or the chunks (blobs over INLINE_BLOB_BYTES, and every blob older than schema v5).
    const result = await this.pool.query<{ size_bytes: number; bytes: Buffer | null }>({
      name: "quorum_get_blob_v2",
      text: `SELECT b.size_bytes, coalesce(b.inline_bytes, c.bytes) AS bytes FROM blobs b
        LEFT JOIN blob_chunks c ON c.hash = b.hash AND b.inline_bytes IS NULL
        WHERE b.hash = $1 ORDER BY c.idx`,
      values: [hash],
    });
    const first = result.rows[0];
    if (first === undefined) return undefined;
    const chunks = result.rows.flatMap((row) => (row.bytes === null ? [] : [row.bytes]));
    const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    if (total !== first.size_bytes) {
      throw new StoreCorruptError(
        this.target.display,
        `blob ${hash} has ${total} of its ${first.size_bytes} bytes`,
      );
    }
    return joinChunks(chunks, first.size_bytes);
  }

  async deleteOrphanBlobs(olderThanMs: number): Promise<OrphanBlobReport> {
    const result = await this.pool.query<{ n: number; bytes: number }>(
      `WITH orphans AS (
          DELETE FROM blobs b WHERE created_at < $1
            AND NOT EXISTS (SELECT 1 FROM blob_refs r WHERE r.blob_hash = b.hash)
          RETURNING hash, size_bytes
        ), chunks AS (DELETE FROM blob_chunks c USING orphans o WHERE c.hash = o.hash)
        SELECT count(*)::int AS n, coalesce(sum(size_bytes), 0)::bigint AS bytes FROM orphans`,
      [olderThanMs],
    );
    const row = result.rows[0];
    return { blobsDeleted: row?.n ?? 0, bytesDeleted: row?.bytes ?? 0 };
  }
}
