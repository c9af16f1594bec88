import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NewAlertEvent, Store } from "../spec/index.js";
import { openSqliteStore } from "../store/index.js";
import { loadAlertStates } from "./history.js";

let store: Store;
beforeEach(() => {
  store = openSqliteStore(":memory:");
});
afterEach(() => store.close());

const event = (rule: string, state: "firing" | "resolved", atMs: number): NewAlertEvent => ({
  rule,
  state,
  atMs,
  metric: "error-rate",
  value: 0.5,
  threshold: 0.1,
  windowMs: 60_000,
  message: "",
});

describe("loadAlertStates", () => {
  it("pages through a long history so the newest transition of each rule wins", async () => {
    const events: NewAlertEvent[] = [];
    for (let i = 0; i < 2500; i++)
      events.push(event("flappy", i % 2 === 0 ? "firing" : "resolved", 1000 + i));
    events.push(event("steady", "firing", 5000));
    await store.appendAlertEvents(events);
    // 2500 flips end on "resolved" (index 2499 is odd); a first page alone would say "firing" or miss it.
    expect(await loadAlertStates(store, 1000)).toEqual({ flappy: "ok", steady: "firing" });
    expect(await loadAlertStates(store, 7)).toEqual({ flappy: "ok", steady: "firing" });
  });

  it("terminates when a whole page shares one timestamp", async () => {
    await store.appendAlertEvents([
      event("a", "firing", 10),
      event("b", "firing", 10),
      event("a", "resolved", 20),
    ]);
    expect(await loadAlertStates(store, 2)).toEqual({ a: "ok", b: "firing" });
  });

  it("an empty history means every rule starts ok", async () => {
    expect(await loadAlertStates(store)).toEqual({});
  });
});
