/** The generated GGUF is deterministic, small, and carries what llama.cpp requires. */
import { describe, expect, it } from "vitest";
import { encodeGguf } from "./gguf-writer.js";
import { tinyLlamaGguf, tinyVocabulary } from "./tiny-llama.js";

describe("tinyLlamaGguf", () => {
  it("is byte-for-byte reproducible from its seed, and another seed changes the weights", () => {
    expect(tinyLlamaGguf({ seed: 5 }).equals(tinyLlamaGguf({ seed: 5 }))).toBe(true);
    expect(tinyLlamaGguf({ seed: 5 }).equals(tinyLlamaGguf({ seed: 6 }))).toBe(false);
  });

  it("terse is opt-in: the same seed without it keeps its exact bytes; with it, only weights change", () => {
    const plain = tinyLlamaGguf({ seed: 5 });
    const terse = tinyLlamaGguf({ seed: 5, terse: true });
    expect(terse.length).toBe(plain.length);
    expect(terse.equals(plain)).toBe(false);
    expect(tinyLlamaGguf({ seed: 5, terse: false }).equals(plain)).toBe(true);
  });

  it("starts with the GGUF v3 header and stays well under a megabyte", () => {
    const file = tinyLlamaGguf();
    expect(file.subarray(0, 4).toString("latin1")).toBe("GGUF");
    expect(file.readUInt32LE(4)).toBe(3);
    expect(file.length).toBeLessThan(1024 * 1024);
  });

  it("has all 256 byte tokens, BOS and EOS", () => {
    const { tokens } = tinyVocabulary();
    for (let byte = 0; byte < 256; byte++)
      expect(tokens).toContain(`<0x${byte.toString(16).toUpperCase().padStart(2, "0")}>`);
    expect(tokens.slice(0, 3)).toEqual(["<unk>", "<s>", "</s>"]);
  });
});

describe("encodeGguf", () => {
  it("refuses a tensor whose data does not fill its shape", () => {
    expect(() => encodeGguf([], [{ name: "t", shape: [2, 3], data: new Float32Array(5) }])).toThrow(
      "tensor t: shape holds 6 values, data 5",
    );
  });
});
