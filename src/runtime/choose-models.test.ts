import { describe, expect, it } from "vitest";
import type { RouteDecision } from "../spec/index.js";
import { avoidLast } from "./choose-models.js";

const routed: RouteDecision = {
  source: "routed",
  models: ["a/writer", "b/other", "c/third"],
  candidates: [
    { ref: "a/writer", score: 3, reasons: ["cheapest"] },
    { ref: "b/other", score: 2, reasons: [] },
    { ref: "c/third", score: 1, reasons: [] },
  ],
  rejected: [],
};

describe("avoidLast (a judge prefers a model other than the producer)", () => {
  it("moves the producer's model to the end of a routed choice, saying why", () => {
    const result = avoidLast(routed, ["a/writer"]);
    expect(result.models).toEqual(["b/other", "c/third", "a/writer"]);
    expect(result.candidates[0]!.reasons).toContain("tried last: it wrote the document being judged");
  });
  it("keeps explicitly named models in the author's order", () => {
    const explicit = { ...routed, source: "explicit" as const };
    expect(avoidLast(explicit, ["a/writer"])).toBe(explicit);
  });
  it("keeps the producer when it is the only model (the judge still runs)", () => {
    const only = { ...routed, models: ["a/writer"], candidates: [routed.candidates[0]!] };
    expect(avoidLast(only, ["a/writer"]).models).toEqual(["a/writer"]);
  });
});
