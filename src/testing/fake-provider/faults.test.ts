import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeProvider, readSse, reply, startFakeProvider } from "./index.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected loosely in assertions
type Json = any;
const json = (response: Response): Promise<Json> => response.json();

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const chat = (body: Record<string, unknown> = {}, init: RequestInit = {}) =>
  fetch(`${fake.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-faults-0001" },
    body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }], ...body }),
    ...init,
  });

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("scripted faults", () => {
  it("waits latencyMs before answering", async () => {
    fake.script(reply.text("slow", { latencyMs: 150 }));
    const start = performance.now();
    await json(await chat());
    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
  });

  it("announces Retry-After in seconds, milliseconds or as an HTTP date", async () => {
    const date = new Date(Date.now() + 5_000);
    fake.script(
      reply.rateLimited({ retryAfterSeconds: 2 }),
      reply.rateLimited({ retryAfterMs: 750 }),
      reply.rateLimited({ retryAfterDate: date }),
    );
    const seconds = await chat();
    expect([seconds.status, seconds.headers.get("retry-after")]).toEqual([429, "2"]);
    expect((await json(seconds)).error).toMatchObject({ type: "requests", code: "rate_limit_exceeded" });
    expect((await chat()).headers.get("retry-after-ms")).toBe("750");
    expect((await chat()).headers.get("retry-after")).toBe(date.toUTCString());
  });

  it("sends 5xx, 529 and 401 in the wire's error shape", async () => {
    fake.script(reply.serverError(503), reply.overloaded(), reply.unauthorized({ message: "bad key" }));
    expect((await chat()).status).toBe(503);
    expect((await chat()).status).toBe(529);
    const unauthorized = await chat();
    expect(unauthorized.status).toBe(401);
    expect((await json(unauthorized)).error).toMatchObject({ message: "bad key", code: "invalid_api_key" });
  });

  it("hangs until the client aborts, and records the abort", async () => {
    fake.script(reply.hang());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(chat({}, { signal: controller.signal })).rejects.toThrow(/abort/i);
    await until(() => fake.requests[0]?.clientAborted === true);
    expect(fake.requests[0]).toMatchObject({ outcome: "hang", clientAborted: true });
    expect(fake.requests[0]!.status).toBeUndefined();
    expect(fake.countersFor("sk-faults-0001").inFlight).toBe(0);
  });

  it("sends an in-band error inside a 200 stream before the first token", async () => {
    fake.script(reply.streamError({ message: "upstream overloaded" }), reply.streamError());
    const response = await chat({ stream: true });
    expect(response.status).toBe(200);
    const { events } = await readSse(response);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.data).error.message).toBe("upstream overloaded");
    const plain = await chat();
    expect([plain.status, Object.keys(await json(plain))]).toEqual([200, ["error"]]);
  });

  it("sends malformed JSON bodies and malformed stream data", async () => {
    fake.script(reply.malformed(), reply.malformed("{oops"));
    const response = await chat();
    expect(response.status).toBe(200);
    await expect(response.json()).rejects.toThrow(SyntaxError);
    const { events } = await readSse(await chat({ stream: true }));
    expect(events).toEqual([{ data: "{oops" }]);
  });

  it("disconnects mid-stream after the given number of deltas", async () => {
    fake.script(reply.disconnect(2, { text: "abcdef" }));
    const { events, cut } = await readSse(await chat({ stream: true }));
    expect(cut).toBe(true);
    const deltas = events.map((e) => JSON.parse(e.data).choices[0].delta.content).filter(Boolean);
    expect(deltas).toEqual(["a", "b"]);
    expect(fake.requests[0]).toMatchObject({ outcome: "disconnect", clientAborted: false });
  });

  it("disconnects a non-streaming response half-way through its body", async () => {
    fake.script(reply.disconnect());
    const response = await chat();
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it("stops cleanly while a request hangs", async () => {
    const other = await startFakeProvider();
    other.script(reply.hang());
    const pending = fetch(`${other.baseURL}/chat/completions`, { method: "POST", body: "{}" }).catch(
      (error: Error) => error,
    );
    await until(() => other.requests.length === 1);
    await other.stop();
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe("scripting", () => {
  it("uses queued replies in order, then falls back to the default responder", async () => {
    fake.script(reply.text("first"), reply.text("second"));
    const texts = [];
    for (let i = 0; i < 3; i++) texts.push((await json(await chat())).choices[0].message.content);
    expect(texts).toEqual(["first", "second", "OK"]);
    expect(fake.pending()).toBe(0);
  });

  it("matches queued replies by model and repeats them `times` times", async () => {
    fake.script({ ...reply.serverError(500), match: { model: "flaky" }, times: 2 });
    expect((await chat({ model: "steady" })).status).toBe(200);
    expect((await chat({ model: "flaky" })).status).toBe(500);
    expect(fake.pending()).toBe(1);
    expect((await chat({ model: "flaky" })).status).toBe(500);
    expect((await chat({ model: "flaky" })).status).toBe(200);
  });

  it("consults responder functions after the queue", async () => {
    fake.script(
      (request) => (request.seq % 2 === 0 ? reply.serverError(502) : undefined),
      reply.text("queued"),
    );
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await chat()).status);
    expect(statuses).toEqual([200, 502, 200, 502]);
    expect(fake.requests.map((r) => r.outcome)).toEqual(["text", "error", "default", "error"]);
  });
});
