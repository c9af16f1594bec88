import { describe, expect, it } from "vitest";
import { defaultDecisionSchema, readChoice } from "./choice.js";

const routes = ["coding", "analysis", "done"];
const schema = defaultDecisionSchema(routes);

describe("readChoice", () => {
  it("accepts a valid route", () => {
    const c = readChoice('{"route":"coding","rationale":"code needed"}', routes, "analysis", schema);
    expect(c).toMatchObject({ ok: true, route: "coding", valid: true });
  });

  it("takes the default for an unknown or missing route, keeping the rest of the answer", () => {
    const unknown = readChoice(
      '```json\n{"route":"deploy","rationale":"ship"}\n```',
      routes,
      "analysis",
      schema,
    );
    expect(unknown).toMatchObject({ ok: true, route: "analysis", valid: false, choice: "deploy" });
    expect(unknown.ok && JSON.parse(unknown.document)).toEqual({ route: "analysis", rationale: "ship" });
    expect(readChoice('{"rationale":"?"}', routes, "done", schema)).toMatchObject({
      ok: true,
      route: "done",
      valid: false,
      reason: "the answer named no route; took the default 'done'",
    });
    expect(readChoice('{"route":7,"rationale":"?"}', routes, "done", schema)).toMatchObject({ choice: "7" });
  });

  it("asks again when the answer is not JSON or the rest does not fit the schema", () => {
    expect(readChoice("I think coding", routes, "done", schema)).toMatchObject({ ok: false });
    expect(readChoice("[1]", routes, "done", schema)).toMatchObject({ ok: false });
    const missing = readChoice('{"route":"coding"}', routes, "done", schema);
    expect(missing.ok).toBe(false);
    expect(!missing.ok && missing.errors.join()).toContain("rationale");
  });
});
