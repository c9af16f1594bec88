import { describe, expect, it } from "vitest";
import { refusalOf } from "./refusal.js";

describe("refusalOf", () => {
  it("is a refusal when the SDK says content-filter, naming the provider's own reason", () => {
    expect(refusalOf({ finishReason: "content-filter", rawFinishReason: "refusal" })).toBe(
      "the model refused to answer (refusal)",
    );
    // OpenAI's message.refusal arrives with finish_reason "stop"; the SDK maps it to content-filter.
    expect(
      refusalOf({ finishReason: "content-filter", rawFinishReason: "stop", text: "I can't\n help." }),
    ).toBe(`the model refused to answer (content filter): "I can't help."`);
  });

  it("is a refusal on a raw safety reason even when an adapter maps it to `other`", () => {
    expect(refusalOf({ finishReason: "other", rawFinishReason: "SAFETY" })).toBe(
      "the model refused to answer (safety)",
    );
    expect(refusalOf({ finishReason: "other", rawFinishReason: "content_filter" })).toBeDefined();
  });

  it("is not a refusal for ordinary endings, and cuts a long explanation", () => {
    for (const [finishReason, rawFinishReason] of [
      ["stop", "stop"],
      ["length", "max_tokens"],
      ["tool-calls", "tool_use"],
      [undefined, undefined],
    ])
      expect(refusalOf({ finishReason, rawFinishReason })).toBeUndefined();
    const long = refusalOf({ finishReason: "content-filter", text: "x".repeat(500) })!;
    expect(long.length).toBeLessThan(220);
    expect(long.endsWith(`…"`)).toBe(true);
  });
});
