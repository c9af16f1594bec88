import { describe, expect, it } from "vitest";
import type { RunEvent } from "../../spec/index.js";
import { liveTree } from "./live-tree.js";

const plain = (text: string) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");

const events = {
  startA: { type: "step-start", stepId: "a", attempt: 1 },
  endCallA: {
    type: "model-call-end",
    stepId: "a",
    attempt: 1,
    callKey: "k",
    model: "acme/m",
    outcome: "ok",
    usage: { inputTokens: 30, outputTokens: 12 },
    costUsd: 0.0021,
    durationMs: 1,
  },
  endA: { type: "step-end", stepId: "a", attempt: 1, outputs: [] },
  startB: { type: "step-start", stepId: "b", attempt: 2 },
} as unknown as Record<string, RunEvent>;

describe("liveTree", () => {
  it("draws one row per step with status, model, tokens, cost and elapsed, redrawn in place", () => {
    let output = "";
    let nowMs = 10_000;
    const tree = liveTree(
      ["a", "b", "c"],
      (text) => (output += text),
      () => nowMs,
    );
    // A resumed run's journal first, with its recorded times: a done 2.5 s before this process came.
    tree.onEvent("r", events.startA!, 5_000);
    tree.onEvent("r", events.endCallA!, 7_400);
    tree.onEvent("r", events.endA!, 7_500);
    tree.onEvent("r", events.startB!, 9_000);
    nowMs = 10_500;
    tree.finish();
    expect(plain(output).split("\n")).toEqual([
      "✔ a     acme/m · 42 tok · $0.0021 · 2.5s",
      "▶ b     1.5s · attempt 2",
      "· c     ",
      "",
    ]);
    output = "";
    tree.finish();
    expect(output.startsWith("\x1b[3A")).toBe(true); // moves up over the 3 rows it drew
  });
});
