/**
 * Incremental journal reading for the monitor. Each run has a cursor (the next seq to read and the attempts
 * still open); a poll lists run metadata, skips runs not updated since the window began or with nothing new,
 * and reads only events past each cursor. A monitor that runs for days reads every event once.
 */
import type { RunRecord, Store } from "../spec/index.js";
import { extractSamples, type OpenAttempts } from "./samples.js";
import type { RunInfo, Sample } from "./types.js";

/** Resolves what the monitor needs to know about a run's steps (from its pinned workflow). */
export type DescribeRun = (run: RunRecord) => Promise<RunInfo>;

interface Cursor {
  nextSeq: number;
  open: OpenAttempts;
  info: RunInfo;
}

export interface PollStats {
  readonly runsListed: number;
  readonly runsRead: number;
  readonly eventsRead: number;
}

export class JournalTail {
  private readonly cursors = new Map<string, Cursor>();
  /** What the last poll did; tests and `--verbose` use it to prove reading is incremental. */
  lastPoll: PollStats = { runsListed: 0, runsRead: 0, eventsRead: 0 };

  constructor(
    private readonly store: Store,
    private readonly describe: DescribeRun,
  ) {}

  /** Samples from events appended since the previous poll, for runs updated at or after `sinceMs`. */
  async poll(sinceMs: number): Promise<Sample[]> {
    const samples: Sample[] = [];
    let runsListed = 0;
    let runsRead = 0;
    let eventsRead = 0;
    let cursor: string | undefined;
    do {
      const page = await this.store.listRuns({ limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const run of page.runs) {
        runsListed++;
        if (run.updatedAtMs < sinceMs) continue;
        const known = this.cursors.get(run.id);
        if (known && known.nextSeq >= run.nextSeq) continue;
        const state = known ?? { nextSeq: 0, open: {}, info: await this.describe(run) };
        const entries = await this.store.readEvents(run.id, state.nextSeq);
        if (entries.length === 0) continue;
        runsRead++;
        eventsRead += entries.length;
        const extracted = extractSamples(state.info, entries, state.open);
        for (const s of extracted.samples) if (s.atMs >= sinceMs) samples.push(s);
        this.cursors.set(run.id, {
          nextSeq: entries[entries.length - 1]!.seq + 1,
          open: extracted.open,
          info: state.info,
        });
      }
      cursor = page.nextCursor;
    } while (cursor);
    this.lastPoll = { runsListed, runsRead, eventsRead };
    return samples;
  }
}

/** Keeps the samples of the widest window a monitor looks at, dropping older ones. */
export class SampleBuffer {
  private samples: Sample[] = [];

  constructor(private readonly retainMs: number) {}

  add(samples: readonly Sample[], nowMs: number): readonly Sample[] {
    const cutoff = nowMs - this.retainMs;
    this.samples = [
      ...this.samples.filter((s) => s.atMs >= cutoff),
      ...samples.filter((s) => s.atMs >= cutoff),
    ];
    return this.samples;
  }

  get all(): readonly Sample[] {
    return this.samples;
  }
}
