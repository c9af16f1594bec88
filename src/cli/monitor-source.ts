/**
 * What the monitor commands share: the store, a journal tail that knows each run's steps from its pinned
 * workflow, and `--since` parsing. A run whose pinned workflow cannot be read is still counted, with its
 * steps classed as unknown/simple, so one damaged run never hides the others.
 */
import { describeSteps, JournalTail, type RunInfo } from "../monitor/index.js";
import { loadPinnedWorkflow } from "../runtime/index.js";
import { durationPattern, parseDurationMs, type RunRecord, type Store } from "../spec/index.js";
import { DEFAULT_STORE_URL, openStore } from "../store/index.js";
import { CliError } from "./errors.js";

export const storeUrlOf = (db?: string): string => db ?? process.env.QUORUM_DB ?? DEFAULT_STORE_URL;

/** `24h` -> ms, or a clear usage error naming the option. */
export function parseSince(text: string, option = "--since"): number {
  if (!durationPattern.test(text))
    throw new CliError(`${option} '${text}' is not a duration; write it like 30m, 24h or 7d`);
  return parseDurationMs(text);
}

export async function describeRunFrom(
  store: Store,
  run: RunRecord,
  warn: (message: string) => void,
): Promise<RunInfo> {
  try {
    const workflow = await loadPinnedWorkflow({ store }, run.definitionHash);
    return { runId: run.id, workflow: run.workflowName, steps: describeSteps(workflow) };
  } catch (error) {
    warn(
      `run ${run.id}: its pinned workflow could not be read (${(error as Error).message}); its steps are counted as kind "unknown", class simple`,
    );
    return { runId: run.id, workflow: run.workflowName, steps: {} };
  }
}

export interface MonitorSource {
  readonly store: Store;
  readonly tail: JournalTail;
  close(): Promise<void>;
}

/** `warn` receives one line per run whose pinned workflow is unreadable (printed, never hidden). */
export async function openMonitorSource(
  db: string | undefined,
  warn: (message: string) => void,
): Promise<MonitorSource> {
  const store = await openStore(storeUrlOf(db));
  return {
    store,
    tail: new JournalTail(store, (run) => describeRunFrom(store, run, warn)),
    close: () => store.close(),
  };
}
