/**
 * In-process wake-ups for SQLite. Every store opened on the same file in this process shares one
 * channel, so a run created through the server's store wakes the runtime's store. Other processes on the
 * same file are not notified: they wake at the next lease expiry or `maxWaitMs` (SQLite serves one
 * process well; use PostgreSQL for many).
 */
import { WorkSignal } from "../work-signal.js";

const channels = new Map<string, Set<WorkSignal>>();

export interface SqliteNotifier {
  readonly signal: WorkSignal;
  /** Wakes every store on this file in this process. */
  notify(): void;
  close(): void;
}

export function sqliteNotifier(path: string, isMemory: boolean): SqliteNotifier {
  const signal = new WorkSignal();
  if (isMemory) {
    return { signal, notify: () => signal.notify(), close: () => signal.abortAll() };
  }
  let peers = channels.get(path);
  if (peers === undefined) {
    peers = new Set();
    channels.set(path, peers);
  }
  peers.add(signal);
  const shared = peers;
  return {
    signal,
    notify: () => {
      for (const peer of shared) peer.notify();
    },
    close: () => {
      signal.abortAll();
      shared.delete(signal);
      if (shared.size === 0 && channels.get(path) === shared) channels.delete(path);
    },
  };
}
