/**
 * The samples journals written since gate verdicts and security blocks became data: structured gate
 * scores (no text parsing), `security-event`s counted once (the old error-text heuristic stays for old
 * journals only), and both survive an extraction split between two reads.
 */
import { describe, expect, it } from "vitest";
import type { JournalEntry, RunEvent } from "../spec/index.js";
import { fixtureInfo } from "./fixture-journal.js";
import { gateVerdictOf } from "./gate-verdicts.js";
import { extractSamples } from "./samples.js";
import type { Sample } from "./types.js";

const entries = (list: Array<[number, RunEvent]>): JournalEntry[] =>
  list.map(([atMs, event], seq) => ({ seq, atMs, event }));

const verdict = {
  round: 1,
  passed: false,
  score: 0.4,
  threshold: 0.8,
  scores: { accuracy: 0.4 },
  findings: 2,
};
/** Feedback text without a score: a sample with 0.4 can only come from the structured verdict. */
const journal = entries([
  [1000, { type: "step-start", stepId: "review", attempt: 1 }],
  [
    2000,
    {
      type: "remediation",
      stepId: "review",
      round: 1,
      targets: ["draft"],
      feedback: ["see report"],
      verdict,
    },
  ],
  [3000, { type: "step-start", stepId: "review", attempt: 1 }],
  [
    4000,
    {
      type: "step-error",
      stepId: "review",
      attempt: 1,
      willRetry: false,
      error: { name: "GateFailed", message: "the report says no; harmful content found" },
      verdict: { ...verdict, round: 2, score: 0.6, scores: { accuracy: 0.6 } },
    },
  ],
  [5000, { type: "step-start", stepId: "draft", attempt: 2 }],
  [
    5100,
    {
      type: "security-event",
      eventId: "draft.r1.a2.call1.1",
      kind: "privacy-fail-closed",
      stepId: "draft",
      attempt: 2,
      detail: "a sensitive request had no available local model; nothing was sent to a hosted provider",
    },
  ],
  [
    5200,
    {
      type: "step-error",
      stepId: "draft",
      attempt: 2,
      willRetry: false,
      error: { name: "ModelCallError", message: "this request is marked sensitive, ... failing closed" },
    },
  ],
]);

const pick = (samples: readonly Sample[]) => ({
  quality: samples.flatMap((s) => (s.type === "quality" ? [[s.score, s.passed, s.atMs]] : [])),
  security: samples.flatMap((s) => (s.type === "security" ? [[s.stepId, s.reason, s.atMs]] : [])),
});

describe("structured verdicts and security events", () => {
  it("reads gate scores from the verdicts and counts each security block once", () => {
    const { samples, open } = extractSamples(fixtureInfo("r3"), journal);
    expect(pick(samples)).toEqual({
      quality: [
        [0.4, false, 2000],
        [0.6, false, 4000],
      ],
      // The GateFailed text mentions "harmful" but a verdict is not a block; the privacy failure
      // counts once, from its event, not again from its error text.
      security: [["draft", "privacy-fail-closed", 5100]],
    });
    expect(open).toEqual({});
  });

  it("gives the same samples when the journal is read in two pieces between the event and the error", () => {
    const whole = extractSamples(fixtureInfo("r3"), journal);
    for (let cut = 1; cut < journal.length; cut++) {
      const first = extractSamples(fixtureInfo("r3"), journal.slice(0, cut));
      const second = extractSamples(fixtureInfo("r3"), journal.slice(cut), first.open);
      expect([...first.samples, ...second.samples]).toEqual(whole.samples);
    }
  });

  it("still reads old journals: scores from the gate's text, blocks from error text", () => {
    const old = entries([
      [
        1000,
        {
          type: "step-error",
          stepId: "review",
          attempt: 1,
          willRetry: false,
          error: {
            name: "GateFailed",
            message: "Gate 'review' failed in round 3; score 0.25 (threshold 0.8); findings: - thin",
          },
        },
      ],
      [
        2000,
        {
          type: "step-error",
          stepId: "draft",
          attempt: 1,
          willRetry: false,
          error: { name: "RoutingError", message: "the step's content is sensitive ... fails closed" },
        },
      ],
    ]);
    expect(pick(extractSamples(fixtureInfo("r4"), old).samples)).toEqual({
      quality: [[0.25, false, 1000]],
      security: [["draft", "sensitive", 2000]],
    });
    expect(gateVerdictOf(old[0]!.event, true)).toEqual({
      stepId: "review",
      passed: false,
      round: 3,
      score: 0.25,
      threshold: 0.8,
    });
  });

  it("a gate's step-end output is its passing verdict; another step's output is not a verdict", () => {
    const end: RunEvent = {
      type: "step-end",
      stepId: "review",
      attempt: 1,
      output: { passed: true, round: 2, score: 0.9, threshold: 0.8, scores: { accuracy: 0.9 }, findings: [] },
    };
    expect(gateVerdictOf(end, true)).toEqual({
      stepId: "review",
      passed: true,
      round: 2,
      score: 0.9,
      threshold: 0.8,
      scores: { accuracy: 0.9 },
    });
    expect(gateVerdictOf(end, false)).toBeUndefined();
  });
});
