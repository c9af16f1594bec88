import { createHash } from "node:crypto";
/** Contract cases: content-addressed blobs (up to 50 MB) and the per-run document index. */
import { describe, expect } from "vitest";
import type { RunEvent } from "../../../spec/index.js";
import type { ContractContext, ContractTest } from "../contract-types.js";
import { bytesOf, documentVersion, newRun, pseudoRandomBytes, runStart, sha256 } from "../fixtures.js";

export function describeContentCases(test: ContractTest, ctx: ContractContext): void {
  describe("blobs", () => {
    test("putBlob returns the sha256 and is idempotent; getBlob returns the bytes", async () => {
      const store = ctx.store();
      const bytes = bytesOf("# Discovery\n\nA short document ✓");
      const hash = await store.putBlob(bytes);
      expect(hash).toBe(sha256(bytes));
      expect(await store.putBlob(bytes)).toBe(hash);
      expect(Buffer.from((await store.getBlob(hash)) ?? [])).toEqual(Buffer.from(bytes));
      const empty = await store.putBlob(new Uint8Array());
      expect((await store.getBlob(empty))?.byteLength).toBe(0);
      expect(await store.getBlob("0".repeat(64))).toBeUndefined();
      expect(await store.getBlob("not-a-hash")).toBeUndefined();
    });

    test("a 50 MB document round-trips byte for byte", async () => {
      const store = ctx.store();
      const bytes = pseudoRandomBytes(50 * 1024 * 1024 + 3);
      const hash = await store.putBlob(bytes);
      expect(hash).toBe(sha256(bytes));
      expect(await store.putBlob(bytes)).toBe(hash);
      const back = await store.getBlob(hash);
      expect(back?.byteLength).toBe(bytes.byteLength);
      expect(sha256(back ?? new Uint8Array())).toBe(hash);
    }, 120_000);

    test("blobs of every storage size round-trip: inline, one chunk, several chunks, and the edges", async () => {
      const store = ctx.store();
      // 16 KiB is the inline limit and 1 MiB the chunk size (src/store/blob-hash.ts).
      const sizes = [0, 1, 16 * 1024, 16 * 1024 + 1, 1024 * 1024, 1024 * 1024 + 1];
      const blobs = sizes.map((size, i) => pseudoRandomBytes(size, 100 + i));
      const hashes: string[] = [];
      for (const bytes of blobs) {
        const hash = await store.putBlob(bytes);
        expect(await store.putBlob(bytes)).toBe(hash);
        hashes.push(hash);
      }
      for (const [i, hash] of hashes.entries()) {
        const back = await store.getBlob(hash);
        expect(back?.byteLength, `size ${sizes[i]}`).toBe(sizes[i]);
        expect(sha256(back ?? new Uint8Array()), `size ${sizes[i]}`).toBe(hash);
      }
      // The same sizes given with an append (up to one chunk; larger ones are stored first).
      await store.createRun(newRun("run-sizes"));
      const fresh = sizes.map((size, i) => pseudoRandomBytes(size, 200 + i));
      await store.appendEvents("run-sizes", 0, [runStart], { blobs: fresh });
      for (const bytes of fresh)
        expect(sha256((await store.getBlob(sha256(bytes))) ?? new Uint8Array())).toBe(sha256(bytes));
      // Unreferenced, they are all orphans to GC, whatever their storage.
      ctx.clock.advance(2 * 60 * 60 * 1000);
      const report = await store.deleteOrphanBlobs();
      const distinct = new Set([...hashes, ...fresh.map((bytes) => sha256(bytes))]);
      expect(report.blobsDeleted).toBe(distinct.size);
      for (const hash of distinct) expect(await store.getBlob(hash)).toBeUndefined();
    });

    test("blobs written by one store are read by another", async () => {
      const [a, b] = [ctx.store(), await ctx.second()];
      const bytes = pseudoRandomBytes(3 * 1024 * 1024 + 17, 7);
      const hash = await a.putBlob(bytes);
      expect(sha256((await b.getBlob(hash)) ?? new Uint8Array())).toBe(hash);
    });
  });

  describe("documents", () => {
    test("blobs given with an append are stored with it and readable by hash", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      const body = bytesOf('{"title":"with the events"}');
      const hash = createHash("sha256").update(body).digest("hex");
      await store.appendEvents("run-1", 0, [runStart, documentVersion("prd", 1, hash, body.byteLength)], {
        blobs: [body],
      });
      expect(Buffer.from((await store.getBlob(hash))!).toString("utf8")).toBe('{"title":"with the events"}');
      expect((await store.listDocumentVersions("run-1")).map((d) => d.blobHash)).toEqual([hash]);
      // A refused append (wrong sequence) changes no event; the blob may stay until GC.
      await expect(
        store.appendEvents("run-1", 0, [runStart], { blobs: [bytesOf("other")] }),
      ).rejects.toMatchObject({ name: "StoreConflictError" });
      expect(await store.readEvents("run-1")).toHaveLength(2);
    });

    test("document-version events are indexed per run with their lineage", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      await store.createRun(newRun("run-2"));
      const v1 = bytesOf('{"title":"v1"}');
      const v2 = bytesOf('{"title":"v2"}');
      const [h1, h2] = [await store.putBlob(v1), await store.putBlob(v2)];
      await store.appendEvents("run-1", 0, [runStart, documentVersion("prd", 1, h1, v1.byteLength)]);
      ctx.clock.advance(30);
      await store.appendEvents("run-1", 2, [
        documentVersion("prd", 2, h2, v2.byteLength),
        documentVersion("adr", 1, h1, 14),
      ]);
      await store.appendEvents("run-2", 0, [documentVersion("prd", 1, h2, v2.byteLength)]);

      const all = await store.listDocumentVersions("run-1");
      expect(all.map((d) => [d.documentId, d.version, d.seq])).toEqual([
        ["adr", 1, 3],
        ["prd", 1, 1],
        ["prd", 2, 2],
      ]);
      const prd = await store.listDocumentVersions("run-1", "prd");
      expect(prd[1]).toEqual({
        runId: "run-1",
        documentId: "prd",
        version: 2,
        blobHash: h2,
        sizeBytes: v2.byteLength,
        stepId: "write-prd",
        attempt: 1,
        model: "anthropic:claude-sonnet",
        inputVersions: [{ documentId: "prd", version: 1 }],
        seq: 2,
        createdAtMs: ctx.clock.startMs + 30,
      });
      expect(await store.listDocumentVersions("run-2")).toHaveLength(1);
      expect(await store.listDocumentVersions("ghost")).toEqual([]);
    });

    test("a document whose event carries its content is listed with it and keeps no blob alive", async () => {
      const store = ctx.store();
      await store.createRun(newRun("run-1"));
      const text = "# Notes\n\nsmall enough to travel in the journal: \u00e9\u4e2d\ud83d\ude00";
      const hash = createHash("sha256").update(text, "utf8").digest("hex");
      // A blob with the same bytes, stored apart: nothing references it, so GC may take it.
      await store.putBlob(bytesOf(text));
      await store.appendEvents("run-1", 0, [
        { ...documentVersion("notes", 1, hash, Buffer.byteLength(text)), content: text } as RunEvent,
      ]);
      const [record] = await store.listDocumentVersions("run-1", "notes");
      expect(record).toMatchObject({
        documentId: "notes",
        version: 1,
        blobHash: hash,
        content: text,
        seq: 0,
      });
      expect((await store.readEvents("run-1"))[0]?.event).toMatchObject({ content: text });
      ctx.clock.advance(2 * 60 * 60 * 1000);
      expect(await store.deleteOrphanBlobs()).toMatchObject({ blobsDeleted: 1 });
      expect(await store.getBlob(hash)).toBeUndefined();
      expect((await store.listDocumentVersions("run-1"))[0]?.content).toBe(text);
    });
  });
}
