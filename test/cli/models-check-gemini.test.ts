/**
 * `quorum models check` on the built-in `google` preset, its baseURL pointed at the fake provider's
 * Gemini wire: each pooled key is pinged through the real `@ai-sdk/google` SDK and reported by alias
 * as valid, invalid (401 UNAUTHENTICATED) or rate limited (429 RESOURCE_EXHAUSTED), never by value.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { type FakeProvider, reply, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-models-gemini-"));
const config = join(dir, "quorum.config.yaml");
let fake: FakeProvider;

beforeAll(async () => {
  fake = await startFakeProvider({ apiKeys: ["AIza-good-0001", "AIza-limited-0003"] });
  writeFileSync(config, `quorum: 1\nproviders:\n  google: { baseURL: "${fake.geminiBaseURL}" }\n`);
});
afterAll(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
  fake.reset();
});

it("reports each Gemini key by alias: valid, invalid or rate limited", async () => {
  vi.stubEnv("GEMINI_API_KEY", "");
  vi.stubEnv("GOOGLE_GENERATIVE_AI_API_KEY", "");
  vi.stubEnv("GEMINI_API_KEY_1", "AIza-good-0001");
  vi.stubEnv("GEMINI_API_KEY_2", "AIza-bad-0002");
  vi.stubEnv("GEMINI_API_KEY_3", "AIza-limited-0003");
  fake.script({ ...reply.rateLimited({ retryAfterSeconds: 9 }), match: { apiKey: "AIza-limited-0003" } });
  const result = await cli("models", "check", "--config", config, "--provider", "google", "--json");
  expect(result.exitCode, result.stderr).toBe(1);
  const { keys } = JSON.parse(result.stdout) as { keys: Array<Record<string, unknown>> };
  const byAlias = Object.fromEntries(keys.map((k) => [k.keyAlias, k]));
  expect(byAlias.GEMINI_API_KEY_1).toMatchObject({ provider: "google", status: "valid" });
  expect(byAlias.GEMINI_API_KEY_2).toMatchObject({ status: "invalid", httpStatus: 401 });
  expect(byAlias.GEMINI_API_KEY_3).toMatchObject({
    status: "rate-limited",
    httpStatus: 429,
    retryAfterMs: 9000,
  });
  expect(result.stdout).not.toMatch(/AIza-/);
  // Every ping went over the Gemini wire, one per key.
  expect(fake.requests.map((r) => [r.wire, r.apiKeyHint]).sort()).toEqual([
    ["gemini", "…0001"],
    ["gemini", "…0002"],
    ["gemini", "…0003"],
  ]);
});
