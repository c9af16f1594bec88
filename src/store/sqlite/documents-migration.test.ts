/**
 * Migration 0007 on a SQLite file written by an earlier quorum: the `documents` table goes, and the
 * run's `document-version` events, which always held the same lineage, list its documents instead.
 * Their content is still the blob the event names (only documents written since v7 carry their text
 * in the event), and the blob ref written with it still keeps that blob from GC.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { documentText } from "../../runtime/document-text.js";
import { sha256Hex } from "../blob-hash.js";
import { MIGRATIONS } from "../migrations/index.js";
import { openSqlite, sqliteTarget } from "./connection.js";
import { migrateSqlite } from "./migrate.js";
import { openSqliteStore } from "./sqlite-store.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-documents-migration-"));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it("lists documents written before v7 from their events, with their blobs", async () => {
  const path = join(dir, "old.db");
  const old = openSqlite(sqliteTarget(path), 1000);
  migrateSqlite(
    old,
    path,
    () => 0,
    MIGRATIONS.filter((m) => m.version < 7),
  );
  const text = "# Discovery\n\nwritten by quorum before v7";
  const hash = sha256Hex(Buffer.from(text));
  const event = {
    type: "document-version",
    documentId: "discovery",
    version: 1,
    blobHash: hash,
    sizeBytes: Buffer.byteLength(text),
    stepId: "discover",
    attempt: 1,
    model: "openai/gpt-4o-mini",
    inputVersions: [],
  };
  old.exec(`INSERT INTO runs (id, workflow_name, workflow_hash, definition_hash, inputs, status, next_seq,
    created_at, updated_at) VALUES ('run-old', 'wf', 'h', 'h', '{}', 'succeeded', 1, 1000, 1000)`);
  old
    .prepare(
      "INSERT INTO events (run_id, seq, type, at, call_key, payload) VALUES ('run-old', 0, ?, 1000, NULL, ?)",
    )
    .run(event.type, JSON.stringify(event));
  old
    .prepare(`INSERT INTO documents (run_id, document_id, version, blob_hash, size_bytes, step_id, attempt,
      model, input_versions, seq, created_at) VALUES ('run-old', 'discovery', 1, ?, ?, 'discover', 1, ?, '[]', 0, 1000)`)
    .run(hash, event.sizeBytes, event.model);
  old
    .prepare("INSERT INTO blobs (hash, size_bytes, created_at, inline_bytes) VALUES (?, ?, 1000, ?)")
    .run(hash, event.sizeBytes, Buffer.from(text));
  old.prepare("INSERT INTO blob_refs (run_id, blob_hash) VALUES ('run-old', ?)").run(hash);
  old.close();

  const store = openSqliteStore(path, { now: () => 1000 + 7 * 24 * 3_600_000 });
  try {
    expect(store.schemaVersion).toBe(MIGRATIONS[MIGRATIONS.length - 1]!.version);
    const [record] = await store.listDocumentVersions("run-old");
    expect(record).toEqual({
      runId: "run-old",
      documentId: "discovery",
      version: 1,
      blobHash: hash,
      sizeBytes: event.sizeBytes,
      stepId: "discover",
      attempt: 1,
      model: "openai/gpt-4o-mini",
      inputVersions: [],
      seq: 0,
      createdAtMs: 1000,
    });
    expect(await documentText(store, record!)).toBe(text);
    expect((await store.deleteOrphanBlobs()).blobsDeleted).toBe(0);
    expect(await documentText(store, record!)).toBe(text);
  } finally {
    await store.close();
  }
});
