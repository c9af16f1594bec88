import { describe, expect, it } from "vitest";
import { type ClientHealthSource, healthFromClient } from "./health.js";

describe("healthFromClient", () => {
  const source: ClientHealthSource = {
    breakerState: (ref) => (ref === "a/open" ? "open" : "closed"),
    errorRate: (ref) => (ref === "a/flaky" ? 0.4 : 0),
    latencyEwmaMs: (ref) => (ref === "a/unseen" || ref === "a/open" ? undefined : 120),
  };
  const view = healthFromClient(source);

  it("reports nothing for a model the client has not called", () => {
    expect(view.health("a/unseen")).toBeUndefined();
  });
  it("passes the breaker state, error rate and latency through", () => {
    expect(view.health("a/open")).toEqual({ breaker: "open", errorRate: 0 });
    expect(view.health("a/flaky")).toEqual({ breaker: "closed", errorRate: 0.4, latencyMsP50: 120 });
  });
});
