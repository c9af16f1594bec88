/**
 * `quorum models list | check | pull` in-process: keys checked over real HTTP against the fake
 * provider (good, bad and rate-limited keys), downloads from a loopback server with Range support.
 */

import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ProviderRow } from "../../src/cli/commands/models-list.js";
import { type FakeProvider, reply, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { tinyLlamaGguf } from "../../src/testing/gguf/tiny-llama.js";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-cli-models-"));
let fake: FakeProvider;
let files: Server;
let filesUrl: string;
const gguf = tinyLlamaGguf({ seed: 3 });
const ranges: string[] = [];

beforeAll(async () => {
  fake = await startFakeProvider({ apiKeys: ["sk-good-0001", "sk-limited-0003"] });
  files = createServer((req, res) => {
    const body = req.url === "/not-a-model.gguf" ? Buffer.from("<html>404</html>") : gguf;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
    if (range) {
      ranges.push(req.headers.range!);
      const start = Number(range[1]);
      res.writeHead(206, {
        "content-length": body.length - start,
        "content-range": `bytes ${start}-${body.length - 1}/${body.length}`,
      });
      res.end(body.subarray(start));
      return;
    }
    res.writeHead(200, { "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => files.listen(0, "127.0.0.1", resolve));
  filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  writeFileSync(
    join(dir, "quorum.config.yaml"),
    [
      "quorum: 1",
      "providers:",
      `  fakeai: { preset: openai, baseURL: "${fake.baseURL}", apiKeyEnv: FAKEAI_KEY }`,
      `  deadai: { preset: openai, baseURL: "http://127.0.0.1:9/v1", apiKeyEnv: DEADAI_KEY }`,
      "models:",
      "  fakeai/mini: { contextWindow: 128000, maxOutputTokens: 16384, capabilities: [json], price: { input: 0.15, output: 0.6 } }",
      "  deadai/mini: { price: { input: 1, output: 1 } }",
      "  local/tiny: { path: tiny.gguf }",
    ].join("\n"),
  );
  writeFileSync(join(dir, "tiny.gguf"), gguf);
});
afterAll(async () => {
  await fake.stop();
  await new Promise((resolve) => files.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
  fake.reset();
});

const config = () => join(dir, "quorum.config.yaml");

describe("quorum models list", () => {
  it("lists providers with privacy, availability and why not, and models with their limits and price", async () => {
    vi.stubEnv("FAKEAI_KEY", "sk-good-0001");
    vi.stubEnv("ANTHROPIC_API_KEY", "");
    vi.stubEnv("QUORUM_MODELS_DIR", join(dir, "none"));
    const result = await cli("models", "list", "--config", config(), "--json");
    expect(result.exitCode).toBe(0);
    const { providers } = JSON.parse(result.stdout) as { providers: ProviderRow[] };
    const byId = Object.fromEntries(providers.map((p) => [p.id, p]));
    expect(byId.fakeai).toMatchObject({ privacy: "hosted", available: true });
    expect(byId.fakeai!.models).toContainEqual(
      expect.objectContaining({
        ref: "fakeai/mini",
        contextWindow: 128000,
        maxOutputTokens: 16384,
        price: { input: 0.15, output: 0.6 },
      }),
    );
    expect(byId.anthropic).toMatchObject({
      available: false,
      reason: expect.stringContaining("ANTHROPIC_API_KEY"),
    });
    expect(byId.local).toMatchObject({ privacy: "local", available: true });
    expect(byId.local!.models).toContainEqual(
      expect.objectContaining({ ref: "local/tiny", path: join(dir, "tiny.gguf") }),
    );
    const text = await cli("models", "list", "--config", config());
    expect(text.stdout).toMatch(/^fakeai · OpenAI · hosted · available$/m);
    expect(text.stdout).not.toContain("sk-good-0001");
  });
});

describe("quorum models check", () => {
  it("reports each key by alias as valid, invalid, rate limited or unreachable, never the key", async () => {
    vi.stubEnv("FAKEAI_KEY_1", "sk-good-0001");
    vi.stubEnv("FAKEAI_KEY_2", "sk-bad-0002");
    vi.stubEnv("FAKEAI_KEY_3", "sk-limited-0003");
    vi.stubEnv("DEADAI_KEY", "sk-dead-0004");
    fake.script({ ...reply.rateLimited({ retryAfterSeconds: 7 }), match: { apiKey: "sk-limited-0003" } });
    const result = await cli(
      "models",
      "check",
      "--config",
      config(),
      "--provider",
      "fakeai",
      "deadai",
      "--json",
      "--timeout",
      "5000",
    );
    expect(result.exitCode).toBe(1);
    const { keys } = JSON.parse(result.stdout) as { keys: Array<Record<string, unknown>> };
    const byAlias = Object.fromEntries(keys.map((k) => [k.keyAlias, k]));
    expect(byAlias.FAKEAI_KEY_1).toMatchObject({ provider: "fakeai", status: "valid", probe: "mini" });
    expect(byAlias.FAKEAI_KEY_2).toMatchObject({ status: "invalid", httpStatus: 401 });
    expect(byAlias.FAKEAI_KEY_3).toMatchObject({
      status: "rate-limited",
      httpStatus: 429,
      retryAfterMs: 7000,
    });
    expect(byAlias.DEADAI_KEY).toMatchObject({ provider: "deadai", status: "unreachable" });
    expect(result.stdout).not.toMatch(/sk-(good|bad|limited|dead)/);
    const text = await cli("models", "check", "--config", config(), "--provider", "fakeai");
    expect(text.stdout).toMatch(/fakeai\s+FAKEAI_KEY_1\s+valid/);
    expect(text.stdout).toMatch(/FAKEAI_KEY_2\s+invalid HTTP 401/);
    expect(text.stdout).not.toMatch(/sk-(good|bad|limited)/);
  });

  it("rejects an unknown provider with the list of known ones", async () => {
    const result = await cli("models", "check", "--config", config(), "--provider", "nope");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown provider 'nope'");
  });
});

describe("quorum models pull", () => {
  const sha = createHash("sha256").update(gguf).digest("hex");

  it("downloads to --dir with plain progress lines off a TTY and prints the sha256", async () => {
    const target = join(dir, "pulled-1");
    const result = await cli("models", "pull", `${filesUrl}/tiny-q8.gguf`, "--dir", target);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(readFileSync(join(target, "tiny-q8.gguf")).equals(gguf)).toBe(true);
    expect(result.stdout).toContain(`sha256: ${sha}`);
    expect(result.stdout).toContain("local/tiny-q8");
    expect(result.stderr).toMatch(/100% · /);
    expect(existsSync(join(target, "tiny-q8.gguf.part"))).toBe(false);
    const again = await cli("models", "pull", `${filesUrl}/tiny-q8.gguf`, "--dir", target);
    expect(again.stdout).toContain("already downloaded");
  });

  it("resumes an interrupted download with a Range request and still hashes the whole file", async () => {
    const target = join(dir, "pulled-2");
    await cli("models", "pull", `${filesUrl}/tiny.gguf`, "--dir", target, "--name", "seed.gguf");
    const half = Math.floor(gguf.length / 2);
    writeFileSync(join(target, "tiny.gguf.part"), gguf.subarray(0, half));
    ranges.length = 0;
    const result = await cli("models", "pull", `${filesUrl}/tiny.gguf`, "--dir", target, "--json");
    expect(result.exitCode, result.stderr).toBe(0);
    expect(ranges).toEqual([`bytes=${half}-`]);
    expect(JSON.parse(result.stdout)).toMatchObject({
      resumed: true,
      sha256: sha,
      bytes: gguf.length,
      model: "local/tiny",
    });
    expect(readFileSync(join(target, "tiny.gguf")).equals(gguf)).toBe(true);
  });

  it("refuses a file that is not GGUF, and names that are neither alias nor URL", async () => {
    const target = join(dir, "pulled-3");
    const html = await cli("models", "pull", `${filesUrl}/not-a-model.gguf`, "--dir", target);
    expect(html.exitCode).toBe(2);
    expect(html.stderr).toContain("is not a GGUF file");
    expect(existsSync(join(target, "not-a-model.gguf"))).toBe(false);
    expect(existsSync(join(target, "not-a-model.gguf.part"))).toBe(false);
    const unknown = await cli("models", "pull", "no-such-model", "--dir", target);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain("neither a known alias nor an http(s) URL");
    expect(unknown.stderr).toContain("qwen2.5-0.5b");
  });
});
