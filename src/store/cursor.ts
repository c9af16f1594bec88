/**
 * Opaque keyset cursors for `listRuns`: `(created_at, id)` of the last row, so pages stay stable while runs
 * are being created (no OFFSET drift) and each page is one index range scan.
 */
export interface RunCursor {
  readonly createdAtMs: number;
  readonly id: string;
}

export function encodeCursor(cursor: RunCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAtMs, cursor.id])).toString("base64url");
}

export function decodeCursor(cursor: string): RunCursor {
  try {
    const [createdAtMs, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof createdAtMs === "number" && typeof id === "string") return { createdAtMs, id };
  } catch {
    // Fall through to the error below.
  }
  throw new TypeError(`invalid run list cursor '${cursor}'; pass the nextCursor of a previous page`);
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 1000;

export function pageSize(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  return Math.max(1, Math.min(MAX_PAGE_SIZE, Math.floor(limit)));
}
