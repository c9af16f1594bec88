import { describe, expect, it } from "vitest";
import { loadAlerts } from "./alerts.js";
import { memoryFileSystem } from "./file-system.js";

const load = (text: string) =>
  loadAlerts("quorum.alerts.yaml", memoryFileSystem({ "quorum.alerts.yaml": text }));

describe("loadAlerts", () => {
  it("loads a valid file", () => {
    const result = load(`alerts: 1
checkInterval: 60s
webhooks:
  - url: http://127.0.0.1:8080/hook
rules:
  - { name: quality, metric: quality, min: 0.75 }
  - { name: slow, metric: response-time-p95, max: 30s, window: 15m }
`);
    expect(result.issues).toEqual([]);
    expect(result.alerts?.rules.map((r) => r.name)).toEqual(["quality", "slow"]);
  });

  it("reports every problem with line, column and path", () => {
    const result = load(`alerts: 1
rules:
  - name: quality
    metric: qualty
    min: 0.75
  - name: slow
    metric: response-time-p95
    max: 3000
  - name: quality
    metric: error-rate
    max: 0.1
    colour: red
`);
    const brief = result.issues.map((i) => [i.path, i.start?.line, i.start?.column, i.code]);
    expect(brief).toEqual(
      expect.arrayContaining([
        ["rules[0].metric", 4, 13, "QW003"],
        ["rules[1].max", 8, 10, expect.any(String)],
        ["rules[2].colour", 12, 5, "QW002"],
        ["rules[2].name", 9, 11, "QW010"],
      ]),
    );
    expect(result.issues).toHaveLength(4);
    expect(result.alerts).toBeUndefined();
  });

  it("a missing file and a non-mapping are clear errors", () => {
    const missing = loadAlerts("nope.yaml", memoryFileSystem({}));
    expect(missing.issues[0]?.message).toMatch(/alerts file 'nope.yaml'/);
    expect(load("- 1\n").issues[0]?.message).toBe(
      "the alerts file must be a mapping starting with alerts: 1",
    );
  });
});
