import { describe, expect, it } from "vitest";
import type { RunEvent, StepStartEvent } from "../../spec/index.js";
import { progressPrinter, unfinishedStepStarts } from "./progress.js";

const start = (stepId: string, attempt = 1): StepStartEvent => ({ type: "step-start", stepId, attempt });
const end = (stepId: string): RunEvent => ({ type: "step-end", stepId, attempt: 1, outputs: [] }) as RunEvent;

describe("unfinishedStepStarts", () => {
  it("finds the steps started and not finished: what was in flight when the run stopped", () => {
    const waits = {
      type: "human-input-request",
      requestId: "q1",
      stepId: "d",
      kind: "approval",
      prompt: "ok?",
    } as RunEvent;
    const journal = [start("a"), end("a"), start("b"), start("c"), start("b", 2), start("d"), waits];
    // d waits for a person: once answered it starts again by itself, so it is not "resumed".
    expect(unfinishedStepStarts(journal)).toEqual([start("b", 2), start("c")]);
  });
});

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
