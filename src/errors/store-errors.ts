/**
 * Errors the durable store throws. Each says what happened, where, and how to fix it in one paragraph,
 * and carries the fields callers branch on (`reason`, `isRetryable`), so nobody parses messages.
 * Messages never contain passwords: targets are `host:port/database` or a file path.
 */

/** Why a guarded write was refused. */
export type StoreConflictReason = "seq" | "status" | "exists";

/**
 * A guarded write lost a race: another writer appended first (`seq`), the run was not in the expected
 * status (`status`), or the run id is taken (`exists`). Not retryable as is: reload the journal or the
 * run and decide again. This is how two processes resuming the same run are kept safe.
 */
export class StoreConflictError extends Error {
  override name = "StoreConflictError";
  readonly isRetryable = false;
  constructor(
    readonly reason: StoreConflictReason,
    readonly runId: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(conflictMessage(reason, runId, expected, actual));
  }
}

function conflictMessage(
  reason: StoreConflictReason,
  runId: string,
  expected: string,
  actual: string,
): string {
  switch (reason) {
    case "seq":
      return `run '${runId}': expected to append at seq ${expected} but the journal is at seq ${actual}; another writer appended first. Reload the journal (readEvents) and decide again; if another worker owns this run, leave it to that worker.`;
    case "status":
      return `run '${runId}': expected status ${expected} but it is '${actual}'; another writer changed it first. Reload the run (getRun) and decide again.`;
    case "exists":
      return `run '${runId}' already exists (status '${actual}'); run ids are unique. Use getRun to resume it or pick a new id.`;
  }
}

/** The run (or other record) a guarded write names does not exist. */
export class StoreNotFoundError extends Error {
  override name = "StoreNotFoundError";
  readonly isRetryable = false;
  constructor(
    readonly what: "run",
    readonly id: string,
  ) {
    super(
      `${what} '${id}' does not exist in the store; it may have been deleted by garbage collection, or the id is wrong (list runs with 'quorum runs').`,
    );
  }
}

/**
 * The database cannot be reached or stays locked: PostgreSQL unreachable, authentication failed, or a
 * SQLite file locked by another process beyond the busy timeout. Retryable once the cause is fixed.
 */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
  readonly isRetryable = true;
  constructor(
    readonly target: string,
    readonly detail: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`store ${target} is unavailable: ${detail}. ${hint}`, options);
  }
}

/** The file or database is not a quorum store, or its contents are damaged. */
export class StoreCorruptError extends Error {
  override name = "StoreCorruptError";
  readonly isRetryable = false;
  constructor(
    readonly target: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `store ${target} is not a readable quorum database: ${detail}. Point QUORUM_DB at a quorum database or a new path (a missing file is created); restore the file from a backup if it was damaged.`,
      options,
    );
  }
}

/** The database schema was written by a newer quorum than this one. */
export class StoreVersionError extends Error {
  override name = "StoreVersionError";
  readonly isRetryable = false;
  constructor(
    readonly target: string,
    readonly databaseVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `store ${target} has schema version ${databaseVersion}, but this quorum understands up to version ${supportedVersion}; it was written by a newer quorum. Upgrade quorum (npm install quorum@latest) to open it; older quorum versions never downgrade a database.`,
    );
  }
}

/** A store URL that names no store quorum can open (`mysql://…`, a bare path, a malformed URL): the user's to fix. */
export class StoreUrlError extends TypeError {
  override name = "StoreUrlError";
  readonly isUserError = true;
}

/**
 * The store itself failing (unreachable, locked past its busy timeout, a full disk, a damaged file),
 * wherever it surfaces: by class, by name (an error that crossed a module boundary) or as the cause of an
 * error that wraps it. Such an error is never a step's or a call's own failure, to be retried or skipped:
 * the run stops where its journal stands and is resumed once the store is back.
 */
export function isStoreFailure(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
    if (storeFailures.has(e.name)) return true;
  return false;
}

/** By name: the classes set it, and it survives an error rebuilt across a boundary. */
const storeFailures = new Set(["StoreUnavailableError", "StoreCorruptError"]);
