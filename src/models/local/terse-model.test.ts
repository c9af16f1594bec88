/**
 * The terse tiny GGUF through the real node-llama-cpp path: a schema with free-text fields (which a
 * plain random model fills until the token cap) comes back short, complete and schema-valid, so the
 * examples' local steps can run on it end to end.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterAll, beforeAll, expect, it } from "vitest";
import { writeTinyLlamaGguf } from "../../testing/gguf/tiny-llama.js";
import { LocalLanguageModel } from "./index.js";

let dir: string;
let modelFile: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "quorum-terse-"));
  modelFile = writeTinyLlamaGguf(join(dir, "terse.gguf"), { seed: 11, terse: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schema = {
  type: "object",
  additionalProperties: false,
  required: ["path", "answer", "caveats"],
  properties: {
    path: { type: "string", enum: ["local", "hosted", "hybrid"] },
    answer: { type: "string", minLength: 1 },
    caveats: { type: "array", items: { type: "string" } },
  },
};

it("answers a free-text schema briefly, completely and validly, stopping on its own", async () => {
  const model = new LocalLanguageModel("default", {
    env: { QUORUM_LOCAL_MODEL: modelFile, QUORUM_LOCAL_THREADS: "1" },
  });
  const result = await model.doGenerate({
    prompt: [{ role: "user", content: [{ type: "text", text: "Draft a reply." }] }],
    responseFormat: { type: "json", schema },
    maxOutputTokens: 200,
  });
  const text = result.content.map((part) => (part.type === "text" ? part.text : "")).join("");
  const document = JSON.parse(text) as { answer: string };
  expect(new Ajv().validate(schema, document)).toBe(true);
  // The grammar does not enforce minLength; the terse weights still never leave a string empty.
  expect(document.answer.length).toBeGreaterThan(0);
  expect(result.finishReason.unified).toBe("stop");
  expect(result.usage.outputTokens.total).toBeLessThan(100);
});
