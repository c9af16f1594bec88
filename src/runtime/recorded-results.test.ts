import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { inlineResultBytes, readResult, storeResult } from "./recorded-results.js";

/** A content-addressed blob store in memory. */
function blobs() {
  const stored = new Map<string, Uint8Array>();
  return {
    stored,
    put: async (bytes: Uint8Array) => {
      const hash = createHash("sha256").update(bytes).digest("hex");
      stored.set(hash, bytes);
      return hash;
    },
    get: async (hash: string) => stored.get(hash),
  };
}

const write = (store: ReturnType<typeof blobs>, result: Record<string, unknown>) =>
  storeResult(result, JSON.stringify(result), { putBlob: store.put });

describe("recorded results", () => {
  it("keeps a large answer's text in its own blob: the same bytes as a document of that text", async () => {
    const store = blobs();
    const text = "y".repeat(inlineResultBytes + 1);
    const response = { text, model: "acme/m", usage: { inputTokens: 1, outputTokens: 2 } };
    const recorded = await write(store, response);
    expect(recorded.result).toEqual({ model: "acme/m", usage: { inputTokens: 1, outputTokens: 2 } });
    expect(recorded.resultTextBlob).toBe(await store.put(Buffer.from(text, "utf8")));
    expect(store.stored.size).toBe(1);
    expect(await readResult({ getBlob: store.get }, recorded, "model call")).toEqual(response);
  });

  it("puts the rest in a blob too when it is large (tool calls), and reads both back", async () => {
    const store = blobs();
    const response = {
      text: "z".repeat(inlineResultBytes + 1),
      toolCalls: [{ name: "t", input: "w".repeat(inlineResultBytes) }],
    };
    const recorded = await write(store, response);
    expect(recorded.result).toBeUndefined();
    expect(recorded.blobs).toHaveLength(2);
    expect(await readResult({ getBlob: store.get }, recorded, "model call")).toEqual(response);
  });

  it("reads what older journals wrote (the whole result in one blob) and inline results, null included", async () => {
    const store = blobs();
    const old = { text: "a".repeat(inlineResultBytes + 1), model: "acme/m" };
    const resultBlob = await store.put(Buffer.from(JSON.stringify(old), "utf8"));
    expect(await readResult({ getBlob: store.get }, { resultBlob }, "model call")).toEqual(old);
    expect(await readResult({ getBlob: store.get }, { result: null }, "tool call")).toBeNull();
    await expect(
      readResult({ getBlob: store.get }, { resultBlob: "f".repeat(64) }, "tool call"),
    ).rejects.toThrow("a recorded tool call result is missing from the store");
  });
});
