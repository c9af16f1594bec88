/**
 * `quorum run` end to end on an in-process model: a sensitive document produced by `local/tiny`
 * (a generated random-weight GGUF run by node-llama-cpp) on a temp SQLite store. No key, no server,
 * no network: the local model is the only provider, and the schema grammar makes its output valid.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { writeTinyLlamaGguf } from "../../src/testing/gguf/tiny-llama.js";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-local-run-"));
const db = `sqlite:${join(dir, "q.db")}`;
const schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  title: "Triage",
  type: "object",
  additionalProperties: false,
  required: ["severity", "needsHuman", "areas"],
  properties: {
    severity: { type: "string", enum: ["low", "medium", "high"], description: "How urgent." },
    needsHuman: { type: "boolean" },
    areas: { type: "array", items: { enum: ["billing", "privacy", "access"] }, maxItems: 2 },
  },
};

beforeAll(() => {
  writeTinyLlamaGguf(join(dir, "models", "tiny.gguf"), { seed: 11 });
  writeFileSync(join(dir, "triage.schema.json"), JSON.stringify(schema, null, 2));
  writeFileSync(join(dir, "triage.md"), "Triage this support note; answer as JSON.\n\n{{ inputs.note }}\n");
  writeFileSync(
    join(dir, "quorum.config.yaml"),
    "quorum: 1\nmodels:\n  local/tiny: { path: models/tiny.gguf, contextWindow: 2048 }\n",
  );
  writeFileSync(
    join(dir, "workflow.yaml"),
    [
      "quorum: 1",
      "name: local-triage",
      'version: "1"',
      "inputs:",
      "  note: { type: string, required: true }",
      "documents:",
      "  triage: { schema: triage.schema.json, sensitive: true }",
      "steps:",
      "  - id: triage",
      "    kind: model",
      "    prompt: triage.md",
      "    models: [local/tiny]",
      "    outputs: [triage]",
    ].join("\n"),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

describe("quorum run with a local model", () => {
  it("runs a sensitive step on local/tiny with no API key and stores a schema-valid document", async () => {
    for (const key of Object.keys(process.env)) if (/_API_KEY/.test(key)) vi.stubEnv(key, "");
    vi.stubEnv("QUORUM_LOCAL_THREADS", "1");
    const run = await cli(
      "run",
      join(dir, "workflow.yaml"),
      "--db",
      db,
      "-i",
      "note=My card was charged twice",
    );
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/✔ triage.*local\/tiny/);
    const runId = /run (run_\w+)/.exec(run.stdout)![1]!;
    const out = join(dir, "out");
    expect((await cli("docs", "export", runId, "--out", out, "--db", db)).exitCode).toBe(0);
    const document = JSON.parse(readFileSync(join(out, "triage.json"), "utf8")) as Record<string, unknown>;
    expect(["low", "medium", "high"]).toContain(document.severity);
    expect(typeof document.needsHuman).toBe("boolean");
    expect(Array.isArray(document.areas)).toBe(true);
  });
});
