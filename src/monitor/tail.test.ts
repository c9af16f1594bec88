/** Incremental reading against a real SQLite store: each event is read once, new events are picked up. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunRecord, Store } from "../spec/index.js";
import { openSqliteStore } from "../store/index.js";
import { newRun } from "../store/testing/fixtures.js";
import { fixtureInfo, journalR1, journalR2 } from "./fixture-journal.js";
import { extractSamples } from "./samples.js";
import { JournalTail, SampleBuffer } from "./tail.js";

let store: Store;
let nowMs = 0;
beforeEach(() => {
  nowMs = 0;
  store = openSqliteStore(":memory:", { now: () => nowMs });
});
afterEach(() => store.close());

/** Appends fixture entries at their recorded times, one append per distinct time. */
async function replay(runId: string, entries: typeof journalR1, from = 0): Promise<void> {
  for (const entry of entries.slice(from)) {
    const run = (await store.getRun(runId))!;
    await store.appendEvents(runId, run.nextSeq, [entry.event], { atMs: entry.atMs });
  }
}

const describeRun = async (run: RunRecord) => fixtureInfo(run.id);

describe("JournalTail", () => {
  it("reads each event once across polls and yields the same samples as one pass", async () => {
    await store.createRun(newRun("r1"));
    await store.createRun(newRun("r2"));
    nowMs = 5000;
    await replay("r1", journalR1.slice(0, 6));
    const tail = new JournalTail(store, describeRun);
    const first = await tail.poll(0);
    expect(tail.lastPoll).toEqual({ runsListed: 2, runsRead: 1, eventsRead: 6 });

    const second = await tail.poll(0);
    expect(second).toEqual([]);
    expect(tail.lastPoll).toEqual({ runsListed: 2, runsRead: 0, eventsRead: 0 });

    nowMs = 20_000;
    await replay("r1", journalR1, 6);
    await replay("r2", journalR2);
    const third = await tail.poll(0);
    expect(tail.lastPoll).toEqual({
      runsListed: 2,
      runsRead: 2,
      eventsRead: journalR1.length - 6 + journalR2.length,
    });

    const expected = [
      ...extractSamples(fixtureInfo("r1"), journalR1).samples,
      ...extractSamples(fixtureInfo("r2"), journalR2).samples,
    ];
    const sortKey = (s: { atMs: number; runId: string; type: string }) => `${s.runId}:${s.atMs}:${s.type}`;
    const got = [...first, ...third].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
    expect(got).toEqual([...expected].sort((a, b) => sortKey(a).localeCompare(sortKey(b))));
  });

  it("skips runs not updated since the window began", async () => {
    await store.createRun(newRun("old"));
    nowMs = 1000;
    await replay("old", journalR2);
    const tail = new JournalTail(store, describeRun);
    expect(await tail.poll(50_000)).toEqual([]);
    expect(tail.lastPoll).toEqual({ runsListed: 1, runsRead: 0, eventsRead: 0 });
  });
});

describe("SampleBuffer", () => {
  it("keeps only samples inside its retention", () => {
    const buffer = new SampleBuffer(10_000);
    const samples = extractSamples(fixtureInfo("r1"), journalR1).samples;
    expect(buffer.add(samples, 20_000).map((s) => s.atMs)).toEqual([14000, 15000, 17000, 17000, 18000]);
    expect(buffer.add([], 27_500).map((s) => s.atMs)).toEqual([18000]);
  });
});
