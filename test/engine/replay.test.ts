/**
 * Replays recorded run histories (test/engine/histories/*.json, made by scripts/record-history.ts)
 * through the pure engine: before every step-start, step-skip and run-end in the journal, decide()
 * must command exactly that. A change that makes the engine decide differently on a recorded
 * journal — nondeterminism, or a behaviour change old runs would trip on — fails here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { apply, type Command, decide, engineGraph, initialState } from "../../src/engine/index.js";
import { plan } from "../../src/planner/index.js";
import type { RunEvent, Workflow } from "../../src/spec/index.js";

const dir = new URL("./histories/", import.meta.url);
const histories = readdirSync(dir).filter((f) => f.endsWith(".json"));

function commanded(commands: Command[], event: RunEvent): boolean {
  switch (event.type) {
    case "step-start":
      return commands.some(
        (c) =>
          (c.type === "start-step" || c.type === "resume-step") &&
          c.stepId === event.stepId &&
          c.attempt === event.attempt,
      );
    case "step-skip":
      return commands.some((c) => c.type === "skip-step" && c.stepId === event.stepId);
    case "run-end":
      return (
        event.status === "cancelled" ||
        commands.some((c) => c.type === "finish-run" && c.status === event.status)
      );
    default:
      return true;
  }
}

describe("replay of recorded histories", () => {
  it("has histories to replay", () => {
    expect(histories.length).toBeGreaterThanOrEqual(2);
  });

  it.each(histories)("%s: the engine makes the recorded decisions", (file) => {
    const history = JSON.parse(readFileSync(new URL(file, dir), "utf8")) as {
      outcome: string;
      workflow: Workflow;
      events: RunEvent[];
    };
    const graph = engineGraph(history.workflow, plan(history.workflow, { prices: {} }));
    const state = initialState(graph);
    history.events.forEach((event, seq) => {
      const commands = decide(state, graph);
      expect(
        commanded(commands, event),
        `seq ${seq} ${event.type} ${"stepId" in event ? event.stepId : ""} not commanded; engine said ${JSON.stringify(commands)}`,
      ).toBe(true);
      apply(state, event, graph);
    });
    expect(state.runStatus).toBe(history.outcome);
    expect(decide(state, graph)).toEqual([]);
  });

  it("decides the same way twice from the same journal", () => {
    const history = JSON.parse(readFileSync(new URL(histories[0]!, dir), "utf8")) as {
      workflow: Workflow;
      events: RunEvent[];
    };
    const trace = () => {
      const graph = engineGraph(history.workflow, plan(history.workflow, { prices: {} }));
      const state = initialState(graph);
      return history.events.map((event) => {
        const commands = decide(state, graph);
        apply(state, event, graph);
        return commands;
      });
    };
    expect(trace()).toEqual(trace());
  });
});
