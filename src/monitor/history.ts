/** Where a restarted monitor resumes: the last recorded transition of every rule, read page by page. */
import type { AlertEventRecord, Store } from "../spec/index.js";
import { type AlertStates, statesFromHistory } from "./rules.js";

/**
 * Pages through the whole alert history (oldest first), so the newest transition of a rule wins however
 * long the history is. Pages restart at the last seen time; rows seen twice are skipped by `seq`.
 */
export async function loadAlertStates(
  store: Pick<Store, "listAlertEvents">,
  pageSize = 1000,
): Promise<AlertStates> {
  const seen = new Set<number>();
  const ordered: AlertEventRecord[] = [];
  let sinceMs = 0;
  for (;;) {
    const page = await store.listAlertEvents({ sinceMs, limit: pageSize });
    let added = 0;
    for (const event of page)
      if (!seen.has(event.seq)) {
        seen.add(event.seq);
        ordered.push(event);
        added++;
      }
    const last = page[page.length - 1];
    if (page.length < pageSize || last === undefined) break;
    // A full page at one timestamp cannot advance by time: step just past it (same-ms rows beyond a page
    // are a pathological history; their rule states are re-learned at the next evaluation).
    sinceMs = added === 0 || last.atMs === sinceMs ? last.atMs + 1 : last.atMs;
  }
  return statesFromHistory(ordered);
}
