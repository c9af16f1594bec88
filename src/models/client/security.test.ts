/**
 * What the model client blocks, reported on `ModelCallError.security` for the runtime to journal:
 * a provider message that quoted our key (redacted, against the fake provider over HTTP), and a
 * sensitive request with no local model (failed closed, nothing sent).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ModelCallError } from "../../errors/index.js";
import { type FakeProvider, reply, startFakeProvider } from "../../testing/fake-provider/index.js";
import { mergeCatalog } from "../catalog/index.js";
import { createModelClient } from "./index.js";

let fake: FakeProvider;
beforeAll(async () => {
  fake = await startFakeProvider();
});
afterAll(() => fake.stop());
beforeEach(() => fake.reset());

const key = "sk-proj-quoted-0001-abcdef";
const client = () =>
  createModelClient({
    catalog: mergeCatalog(
      { providers: {}, models: {} },
      { providers: { fakeai: { preset: "openai", baseURL: fake.baseURL } }, models: {} },
    ),
    env: { OPENAI_API_KEY: key },
    sleep: async () => {},
  });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (error: unknown) => error as ModelCallError,
  );

describe("security notices on a failed call", () => {
  it("a provider message quoting the key is redacted and reported as secret-redacted", async () => {
    fake.script(reply.error(400, { message: `Invalid request for key ${key}: bad parameter` }));
    const error = await failure(client().generate({ models: ["fakeai/gpt-4o-mini"], prompt: "hi" }));
    expect(error).toBeInstanceOf(ModelCallError);
    expect(error.message).not.toContain(key);
    expect(error.message).toContain("[redacted]");
    expect(error.security).toEqual([
      {
        kind: "secret-redacted",
        detail: "1 provider message quoted an API key; replaced by [redacted] before it reached the error",
      },
    ]);
    expect(JSON.stringify(error.security)).not.toContain(key);
  });

  it("an ordinary failure reports nothing", async () => {
    fake.script(reply.error(400, { message: "bad parameter" }));
    const error = await failure(client().generate({ models: ["fakeai/gpt-4o-mini"], prompt: "hi" }));
    expect(error.security).toBeUndefined();
  });

  it("a sensitive request with no local model fails closed, sends nothing, and says so", async () => {
    const error = await failure(client().generate({ models: [], prompt: "payroll", sensitive: true }));
    expect(fake.requests).toHaveLength(0);
    expect(error.isRetryable).toBe(false);
    expect(error.security).toEqual([
      {
        kind: "privacy-fail-closed",
        detail: "a sensitive request had no available local model; nothing was sent to a hosted provider",
      },
    ]);
  });
});
