/**
 * Child process for the multi-process SQLite test: appends `count` events to one run on a shared file,
 * re-reading the journal position after every conflict, exactly like two resuming workers would.
 * Usage: node --import tsx sqlite-append-worker.ts <db> <runId> <writer> <count>
 */
import { StoreConflictError } from "../../src/errors/index.js";
import { openSqliteStore } from "../../src/store/sqlite/index.js";

const [path, runId, writer, countText] = process.argv.slice(2);
if (path === undefined || runId === undefined || writer === undefined)
  throw new Error("usage: <db> <runId> <writer> <count>");
const store = openSqliteStore(path, { busyTimeoutMs: 10_000 });
let appended = 0;
let conflicts = 0;
let nextSeq = (await store.getRun(runId))?.nextSeq ?? 0;
while (appended < Number(countText)) {
  try {
    const event = { type: "step-start", stepId: `${writer}-${appended}`, attempt: 1 } as const;
    nextSeq = (await store.appendEvents(runId, nextSeq, [event])).nextSeq;
    appended += 1;
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
    conflicts += 1;
    nextSeq = (await store.getRun(runId))?.nextSeq ?? nextSeq;
  }
}
await store.close();
process.stdout.write(JSON.stringify({ appended, conflicts }));
