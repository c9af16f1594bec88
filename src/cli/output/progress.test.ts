import { describe, expect, it } from "vitest";
import type { RunEvent, StepStartEvent } from "../../spec/index.js";
import { progressPrinter } from "./progress.js";

const start = (stepId: string, attempt = 1): StepStartEvent => ({ type: "step-start", stepId, attempt });
const end = (stepId: string): RunEvent => ({ type: "step-end", stepId, attempt: 1, outputs: [] }) as RunEvent;

describe("progressPrinter", () => {
  it("prints a resumed step as started and times it from when this process took it, not from 0", () => {
    const lines: string[] = [];
    let nowMs = 1_000;
    const printer = progressPrinter(
      (line) => lines.push(line),
      () => nowMs,
    );
    printer.resume("r1", [start("b", 2)]);
    nowMs = 3_500;
    printer("r1", end("b"));
    expect(lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ""))).toEqual([
      "▶ b (attempt 2; resumed)",
      "✔ b · 2.5s",
    ]);
  });
});
