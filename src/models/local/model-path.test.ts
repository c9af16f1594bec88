/** Which file a local/<id> model means, and the error when there is none. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LocalModelNotFoundError, resolveLocalModelPath } from "./model-path.js";
import { fileNameForUrl } from "./pull.js";
import { pullAlias } from "./pull-aliases.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-model-path-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => {
  const path = join(dir, name);
  writeFileSync(path, "GGUF");
  return path;
};

describe("resolveLocalModelPath", () => {
  const a = file("a.gguf");
  const pulled = file("qwen.gguf");
  const locator = { configuredPaths: { mine: a }, env: { QUORUM_LOCAL_MODEL: a }, modelsDir: dir };

  it("uses a configured path, then QUORUM_LOCAL_MODEL for default and its file name, then pulled files", () => {
    expect(resolveLocalModelPath("mine", locator)).toBe(a);
    expect(resolveLocalModelPath("default", locator)).toBe(a);
    expect(resolveLocalModelPath("a", locator)).toBe(a);
    expect(resolveLocalModelPath("qwen", locator)).toBe(pulled);
    expect(resolveLocalModelPath(pulled, locator)).toBe(pulled);
  });

  it("names every place it looked when nothing is there", () => {
    const missing = { ...locator, configuredPaths: { gone: join(dir, "gone.gguf") } };
    expect(() => resolveLocalModelPath("gone", missing)).toThrow(LocalModelNotFoundError);
    expect(() => resolveLocalModelPath("gone", missing)).toThrow(join(dir, "gone.gguf"));
    expect(() => resolveLocalModelPath("nothing", locator)).toThrow(/quorum models pull/);
  });
});

describe("pull names", () => {
  it("knows aliases case-insensitively and derives file names from URLs", () => {
    expect(pullAlias("Qwen2.5-0.5B")?.url).toMatch(/^https:\/\/huggingface\.co\/.+\.gguf$/);
    expect(pullAlias("https://example.com/x.gguf")).toBeUndefined();
    expect(fileNameForUrl("https://h/r/resolve/main/Model%20Q4.gguf?download=1")).toBe("Model Q4.gguf");
    expect(fileNameForUrl("https://h/files/model")).toBe("model.gguf");
  });
});
