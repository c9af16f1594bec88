/**
 * Pairs a waiting run's `human-input-request` events with their responses by `requestId`; what is left
 * is the inbox. Derived from the journal rather than kept in a table, so there is nothing to get out of
 * sync and answering a request is just appending its response.
 */
import type { HumanInputRequestEvent, JournalEntry } from "../spec/index.js";

export const HUMAN_INPUT_TYPES = ["human-input-request", "human-input-response"] as const;

export function openRequests(entries: readonly JournalEntry[]): JournalEntry<HumanInputRequestEvent>[] {
  const open = new Map<string, JournalEntry<HumanInputRequestEvent>>();
  for (const entry of entries) {
    const event = entry.event;
    if (event.type === "human-input-request") {
      open.set(event.requestId, entry as JournalEntry<HumanInputRequestEvent>);
    } else if (event.type === "human-input-response") {
      open.delete(event.requestId);
    }
  }
  return [...open.values()];
}
