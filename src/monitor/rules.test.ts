import { describe, expect, it } from "vitest";
import { AlertsFile } from "../spec/index.js";
import { fixtureInfo, journalR1, journalR2 } from "./fixture-journal.js";
import { evaluateRules, measure, normalizeAlerts, statesFromHistory } from "./rules.js";
import { extractSamples } from "./samples.js";
import type { Sample } from "./types.js";

const samples: Sample[] = [
  ...extractSamples(fixtureInfo("r1"), journalR1).samples,
  ...extractSamples(fixtureInfo("r2"), journalR2).samples,
];
const NOW = 20_000;

const config = normalizeAlerts(
  AlertsFile.parse({
    alerts: 1,
    checkInterval: "30s",
    webhooks: [{ url: "http://127.0.0.1:9/hook", retries: 1 }],
    rules: [
      { name: "errors", metric: "error-rate", max: 0.1, window: "1h" },
      { name: "success", metric: "success-rate", min: 0.95 },
      { name: "slow-complex", metric: "response-time-p95", max: "10s", scope: { stepClass: "complex" } },
      { name: "slow-simple", metric: "response-time-p95", max: "3s", scope: { stepClass: "simple" } },
      { name: "quality", metric: "quality", min: 0.75, minSamples: 3 },
      { name: "model-b", metric: "error-rate", max: 0.4, scope: { model: "b/y" } },
      { name: "security", metric: "security-events-per-hour", max: 0.5 },
      { name: "cost", metric: "cost-per-hour", max: 1 },
    ],
  }),
);

describe("normalizeAlerts", () => {
  it("turns durations into ms and applies defaults", () => {
    expect(config.checkIntervalMs).toBe(30_000);
    expect(config.webhooks).toEqual([
      { url: "http://127.0.0.1:9/hook", timeoutMs: 5000, retries: 1, headers: {} },
    ]);
    expect(config.rules[2]).toEqual({
      name: "slow-complex",
      metric: "response-time-p95",
      bound: "max",
      threshold: 10_000,
      windowMs: 3_600_000,
      minSamples: 1,
      scope: { stepClass: "complex" },
    });
  });

  it("rejects a rule with both bounds, and a time metric with a number", () => {
    const bad = AlertsFile.safeParse({
      alerts: 1,
      rules: [
        { name: "a", metric: "error-rate", min: 0.1, max: 0.2 },
        { name: "b", metric: "response-time-p95", max: 3000 },
      ],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join("."), i.message])).toEqual([
      ["rules.0.min", "a rule needs exactly one of min or max"],
      ["rules.1.max", "response-time-p95 is a time: write the threshold as a duration such as 3s or 500ms"],
    ]);
  });
});

describe("evaluateRules", () => {
  it("measures each rule over its window and scope", () => {
    const byName = Object.fromEntries(config.rules.map((r) => [r.name, measure(r, samples, NOW)]));
    expect(byName.errors).toEqual({ rule: "errors", status: "firing", value: 0.5, samples: 4 });
    expect(byName.success).toEqual({ rule: "success", status: "firing", value: 0.5, samples: 2 });
    expect(byName["slow-complex"]).toEqual({
      rule: "slow-complex",
      status: "firing",
      value: 12000,
      samples: 1,
    });
    expect(byName["slow-simple"]).toEqual({ rule: "slow-simple", status: "ok", value: 1000, samples: 3 });
    expect(byName.quality).toEqual({ rule: "quality", status: "no-data", value: 0.7, samples: 2 });
    expect(byName["model-b"]).toEqual({ rule: "model-b", status: "firing", value: 0.5, samples: 2 });
    expect(byName.security).toMatchObject({ status: "firing", value: 1 });
    expect(byName.cost).toMatchObject({ status: "ok", value: 0.03 });
  });

  it("reports only transitions, and resolves when the window moves past the bad samples", () => {
    const first = evaluateRules(config.rules, samples, NOW, {});
    expect(first.transitions.map((t) => [t.rule, t.state])).toEqual([
      ["errors", "firing"],
      ["success", "firing"],
      ["slow-complex", "firing"],
      ["model-b", "firing"],
      ["security", "firing"],
    ]);
    expect(first.transitions[0]).toEqual({
      rule: "errors",
      state: "firing",
      atMs: NOW,
      metric: "error-rate",
      value: 0.5,
      threshold: 0.1,
      windowMs: 3_600_000,
      message: "FIRING: errors: error-rate is 50.0% (max 10.0%) over the last 60 min",
    });
    const again = evaluateRules(config.rules, samples, NOW + 1000, first.states);
    expect(again.transitions).toEqual([]);
    // Two hours later every sample is out of the window: counts resolve, rates have no data and keep firing.
    const later = evaluateRules(config.rules, samples, NOW + 7_200_000, again.states);
    expect(later.transitions.map((t) => [t.rule, t.state])).toEqual([["security", "resolved"]]);
    expect(later.states).toMatchObject({ errors: "firing", security: "ok", cost: "ok", quality: "ok" });
  });

  it("resumes from recorded history", () => {
    const first = evaluateRules(config.rules, samples, NOW, {});
    const states = statesFromHistory(first.transitions);
    expect(states).toEqual({
      errors: "firing",
      success: "firing",
      "slow-complex": "firing",
      "model-b": "firing",
      security: "firing",
    });
    expect(evaluateRules(config.rules, samples, NOW, states).transitions).toEqual([]);
  });
});
