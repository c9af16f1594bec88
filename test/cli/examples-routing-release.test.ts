/**
 * `examples/smart-routing` and `examples/release-integration`, unchanged in intent, run end to end by
 * the real CLI over real HTTP (issue 5's evidence, second half). Smart routing: Gemini is the fake's
 * Gemini wire, Ollama a second fake at the Ollama preset's overridable baseURL, `local/default` the
 * generated tiny GGUF run in-process by node-llama-cpp. Release integration: OpenRouter and Mistral on
 * the fake's OpenAI wire, Gemini on its Gemini wire, and the check steps run for real: the smoke
 * script as a child process and the health probe against a loopback server started here.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { exampleFromSchema } from "../../src/models/index.js";
import type { RunEvent } from "../../src/spec/index.js";
import { openStore } from "../../src/store/index.js";
import { type FakeProvider, reply, startFakeProvider } from "../../src/testing/fake-provider/index.js";
import { writeTinyLlamaGguf } from "../../src/testing/gguf/tiny-llama.js";
import { cli } from "./run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-routing-release-"));
const db = `sqlite:${join(dir, "q.db")}`;
const config = join(dir, "quorum.config.yaml");
const gguf = join(dir, "models", "tiny.gguf");
const geminiKey = "AIza-fake-gemini-0001";
const openrouterKey = "sk-or-fake-0003";
const mistralKey = "sk-mistral-fake-0004";

/** Hosted providers (Gemini and OpenAI-compatible wires) on one fake; local Ollama on another. */
let hosted: FakeProvider;
let ollama: FakeProvider;

const routingSchemas = loadSchemas("smart-routing", ["answer", "privacy-assessment", "redacted-request"]);

function loadSchemas(example: string, names: string[]): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    names.map((name) => [
      name,
      JSON.parse(readFileSync(resolve("examples", example, "schemas", `${name}.schema.json`), "utf8")),
    ]),
  );
}

function validator(schema: Record<string, unknown>) {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  return ajv.compile(schema);
}

beforeAll(async () => {
  // Only the keys the tests hand out are accepted: any other key gets the wire's 401.
  hosted = await startFakeProvider({ apiKeys: [geminiKey, openrouterKey, mistralKey] });
  ollama = await startFakeProvider({ models: ["llama3.1:8b", "llama3.3:70b"] });
  // Byte-level tokens: the example prompts with their schemas need more than the default 2,048.
  writeTinyLlamaGguf(gguf, { seed: 11, terse: true, contextLength: 8192 });
  writeFileSync(
    config,
    `quorum: 1
providers:
  ollama: { baseURL: "${ollama.baseURL}" }
  google: { baseURL: "${hosted.geminiBaseURL}" }
`,
  );
});

afterAll(async () => {
  await Promise.all([hosted.stop(), ollama.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
  hosted.reset();
  ollama.reset();
});

/** Only the keys a scenario names: every other provider is unavailable, as on a fresh machine. */
function environment(keys: Record<string, string>) {
  for (const name of Object.keys(process.env)) if (/_API_KEY/.test(name)) vi.stubEnv(name, "");
  for (const [name, value] of Object.entries(keys)) vi.stubEnv(name, value);
  vi.stubEnv("QUORUM_LOCAL_MODEL", gguf);
  vi.stubEnv("QUORUM_LOCAL_THREADS", "1");
  vi.stubEnv("QUORUM_LOCAL_CONTEXT", "8192");
}

const bodyOf = (request: { body: unknown }) => JSON.stringify(request.body);

interface DocumentRow {
  documentId: string;
  model?: string;
}

async function documents(runId: string): Promise<Map<string, DocumentRow>> {
  const listed = JSON.parse((await cli("docs", runId, "--db", db, "--json")).stdout) as DocumentRow[];
  return new Map(listed.map((doc) => [doc.documentId, doc]));
}

async function exported(runId: string): Promise<(id: string) => unknown> {
  const out = join(dir, `out-${runId}`);
  const done = await cli("docs", "export", runId, "--out", out, "--db", db);
  expect(done.exitCode, done.stderr).toBe(0);
  return (id) => JSON.parse(readFileSync(join(out, `${id}.json`), "utf8"));
}

async function stepStatuses(runId: string): Promise<Record<string, string>> {
  const status = JSON.parse((await cli("status", runId, "--db", db, "--json")).stdout) as {
    steps: Array<{ stepId?: string; id?: string; status: string }>;
  };
  return Object.fromEntries(status.steps.map((s) => [s.stepId ?? s.id ?? "", s.status]));
}

async function journal(runId: string): Promise<RunEvent[]> {
  const store = await openStore(db);
  try {
    return (await store.readEvents(runId)).map((entry) => entry.event);
  } finally {
    await store.close();
  }
}

async function explain(runId: string, stepId: string) {
  const result = await cli("explain", runId, stepId, "--db", db, "--json");
  expect(result.exitCode, result.stderr).toBe(0);
  const parsed = JSON.parse(result.stdout) as {
    decisions: Array<{
      decision: { source: string; models: string[]; rejected: unknown[] };
      calls: Array<{ model: string; outcome: string }>;
    }>;
  };
  return parsed.decisions;
}

describe("examples/smart-routing", () => {
  const workflow = resolve("examples", "smart-routing", "workflow.yaml");

  /** Ollama answers like a competent local model: the classification the scenario wants, then documents. */
  function scriptOllama(classification: "public" | "internal" | "sensitive") {
    ollama.script((request) => {
      const body = bodyOf(request);
      if (body.includes("Task: privacy classification"))
        return reply.json({
          classification,
          categories: classification === "public" ? ["none"] : ["contact-details", "health"],
          reasons: [`the request is ${classification}`],
          confidence: 0.9,
        });
      if (body.includes('"redactedText"'))
        return reply.json({
          redactedText: "Summarise the thread for [PERSON_1]; reach her at [EMAIL_1].",
          redactions: [
            { placeholder: "[PERSON_1]", category: "person" },
            { placeholder: "[EMAIL_1]", category: "email" },
          ],
          residualRisk: "none",
        });
      return reply.json({ path: "local", answer: "Done locally.", caveats: [] });
    });
  }

  it("public: classified on Ollama, answered by Gemini over its own wire, merged on Ollama", async () => {
    environment({ GEMINI_API_KEY: geminiKey });
    scriptOllama("public");
    hosted.script(reply.json({ path: "hosted", answer: "Paris is the capital of France.", caveats: [] }));
    const run = await cli(
      "run",
      workflow,
      "--config",
      config,
      "--db",
      db,
      "-i",
      "request=What is the capital of France?",
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const runId = /run (run_\w+)/.exec(run.stdout)![1]!;

    // The hosted step reached Gemini's streaming endpoint (calls stream by default, for time to first
    // token) with the key in x-goog-api-key.
    expect(hosted.requests.map((r) => [r.wire, r.path, r.apiKeyHint])).toEqual([
      ["gemini", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "…0001"],
    ]);
    const docs = await documents(runId);
    expect(docs.get("hosted-answer")?.model).toBe("google/gemini-2.5-flash");
    expect(docs.get("privacy-assessment")?.model).toBe("ollama/llama3.1:8b");
    expect(docs.get("final-answer")?.model).toMatch(/^ollama\//);
    expect([...docs.keys()].sort()).toEqual(["final-answer", "hosted-answer", "privacy-assessment"]);
    const read = await exported(runId);
    expect(validator(routingSchemas.answer!)(read("hosted-answer"))).toBe(true);
    expect(validator(routingSchemas["privacy-assessment"]!)(read("privacy-assessment"))).toBe(true);

    // The route decision is journaled (explicit order, as named), and the only call it led to went
    // to Gemini: OpenAI and Anthropic have no key here, so the model client skipped them unsent.
    const [hostedDecision] = await explain(runId, "hosted-answer");
    expect(hostedDecision!.decision).toMatchObject({
      source: "explicit",
      models: ["openai/gpt-4o-mini", "anthropic/claude-haiku-4-5", "google/gemini-2.5-flash"],
    });
    expect(hostedDecision!.calls).toEqual([
      expect.objectContaining({ model: "google/gemini-2.5-flash", outcome: "ok" }),
    ]);
    expect(await stepStatuses(runId)).toMatchObject({
      "local-answer": "skipped",
      redact: "skipped",
      "hybrid-answer": "skipped",
      merge: "succeeded",
    });
  }, 120_000);

  it("sensitive: Ollama is busy, the in-process GGUF writes the answer, and nothing reaches a hosted model", async () => {
    environment({ GEMINI_API_KEY: geminiKey });
    // Ollama's answer when its queue is full (OLLAMA_MAX_QUEUE): a 503, retried, then given up on.
    ollama.script((request) =>
      bodyOf(request).includes("contains sensitive data")
        ? reply.error(503, { message: "server busy, please try again.  maximum pending requests exceeded" })
        : undefined,
    );
    scriptOllama("sensitive");
    const secret = "Patient 88412377 (dana.k@example.com) asks whether her biopsy result is back.";
    const run = await cli(
      "run",
      workflow,
      "--config",
      config,
      "--db",
      db,
      "-i",
      `request=${secret}`,
      "-i",
      "purpose=draft-reply",
    );
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const runId = /run (run_\w+)/.exec(run.stdout)![1]!;

    // Nothing left the machine: the hosted fake saw no request at all.
    expect(hosted.requests).toEqual([]);
    const docs = await documents(runId);
    expect(docs.get("local-answer")?.model).toBe("local/default");
    expect([...docs.keys()].sort()).toEqual(["final-answer", "local-answer", "privacy-assessment"]);
    const read = await exported(runId);
    // Random weights, but the JSON-schema grammar makes the document valid.
    expect(validator(routingSchemas.answer!)(read("local-answer"))).toBe(true);
    expect(validator(routingSchemas.answer!)(read("final-answer"))).toBe(true);

    // The journaled decision names only local models, and every call went to one of them.
    const [decision] = await explain(runId, "local-answer");
    expect(decision!.decision.models).toEqual(["ollama/llama3.3:70b", "ollama/llama3.1:8b", "local/default"]);
    expect(decision!.calls.at(-1)).toMatchObject({ model: "local/default", outcome: "ok" });
    for (const call of decision!.calls) expect(call.model).toMatch(/^(ollama|local)\//);
    // Ollama saw the busy answer for both of its models before the fallback.
    const busy = ollama.requests.filter((r) => r.status === 503).map((r) => r.model);
    expect(new Set(busy)).toEqual(new Set(["llama3.3:70b", "llama3.1:8b"]));
    expect(await stepStatuses(runId)).toMatchObject({
      "hosted-answer": "skipped",
      redact: "skipped",
      "hybrid-answer": "skipped",
    });
  }, 180_000);

  it("internal: redacted locally, the gate sends a leaky redaction back, only placeholders reach Gemini", async () => {
    environment({ GEMINI_API_KEY: geminiKey });
    let redactions = 0;
    // The first redaction misses the e-mail address; the gate's regex catches it and redact runs again.
    ollama.script((request) =>
      bodyOf(request).includes('"redactedText"') && ++redactions === 1
        ? reply.json({
            redactedText: "Summarise the thread for [PERSON_1]; reach her at dana.k@example.com.",
            redactions: [{ placeholder: "[PERSON_1]", category: "person" }],
            residualRisk: "none",
          })
        : undefined,
    );
    scriptOllama("internal");
    hosted.script(reply.json({ path: "hybrid", answer: "Three points for [PERSON_1].", caveats: [] }));
    const request = "Summarise the Q3 thread for Dana Kovacs; reach her at dana.k@example.com or 0612345678.";
    const run = await cli("run", workflow, "--config", config, "--db", db, "-i", `request=${request}`);
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const runId = /run (run_\w+)/.exec(run.stdout)![1]!;

    expect(redactions).toBe(2);
    // Exactly one hosted call: the fallback order reached Gemini 2.5 Pro (no Anthropic/OpenAI key).
    expect(hosted.requests.map((r) => [r.wire, r.model, r.status])).toEqual([
      ["gemini", "gemini-2.5-pro", 200],
    ]);
    const sent = bodyOf(hosted.requests[0]!);
    expect(sent).toContain("[EMAIL_1]");
    for (const raw of ["dana.k@example.com", "0612345678", "Kovacs"]) expect(sent).not.toContain(raw);
    const docs = await documents(runId);
    expect(docs.get("hybrid-answer")?.model).toBe("google/gemini-2.5-pro");
    const read = await exported(runId);
    expect(validator(routingSchemas["redacted-request"]!)(read("redacted-request"))).toBe(true);
    expect(validator(routingSchemas.answer!)(read("hybrid-answer"))).toBe(true);
    expect(await stepStatuses(runId)).toMatchObject({
      "redaction-check": "succeeded",
      "hybrid-answer": "succeeded",
      "local-answer": "skipped",
      "hosted-answer": "skipped",
    });
  }, 120_000);
});

describe("examples/release-integration", () => {
  const example = resolve("examples", "release-integration");
  const releaseConfig = join(dir, "release.config.yaml");
  const changelog = join(dir, "CHANGELOG.md");
  let health: Server;
  let healthBase = "";
  /** What the stand-in for the deployed service answers on /health. */
  let healthy = true;
  let probes = 0;

  /** The example's document schemas, each answered with its own schema-driven example. */
  const schemas = readdirSync(join(example, "schemas")).map(
    (file) => JSON.parse(readFileSync(join(example, "schemas", file), "utf8")) as Record<string, unknown>,
  );
  const sameKeys = (a: unknown, b: unknown) =>
    JSON.stringify([...((a as string[]) ?? [])].sort()) ===
    JSON.stringify([...((b as string[]) ?? [])].sort());

  beforeAll(async () => {
    health = createServer((req, res) => {
      probes++;
      res.writeHead(req.url === "/health" ? (healthy ? 200 : 503) : 404, {
        "content-type": "application/json",
      });
      res.end(healthy ? '{"status":"ok"}' : '{"status":"degraded"}');
    });
    await new Promise<void>((done) => health.listen(0, "127.0.0.1", done));
    healthBase = `http://127.0.0.1:${(health.address() as AddressInfo).port}`;
    writeFileSync(changelog, "# 2.4.0\n\n- Faster CSV import (#812)\n- Billing: proration fix (#799)\n");
    // The example's own config (prices for OpenRouter models) plus where the fake providers listen.
    const own = readFileSync(join(example, "quorum.config.yaml"), "utf8");
    writeFileSync(
      releaseConfig,
      `${own}
providers:
  openrouter: { baseURL: "${hosted.baseURL}" }
  mistral: { baseURL: "${hosted.baseURL}" }
  google: { baseURL: "${hosted.geminiBaseURL}" }
`,
    );
  });
  afterAll(() => new Promise<void>((done) => health.close(() => done())));

  function scriptHosted() {
    hosted.script((request) => {
      const body = request.body as {
        response_format?: { json_schema?: { name?: string; schema?: { required?: unknown } } };
        generationConfig?: { responseSchema?: { required?: unknown } };
      };
      if (body.response_format?.json_schema?.name === "verdict")
        // The readiness judge (hermes) is convinced: every rubric dimension well above 0.8.
        return reply.json({
          scores: { evidence: 0.9, "rollback-readiness": 0.9, observability: 0.9, "risk-coverage": 0.9 },
          findings: [],
        });
      // Structured-output modes drop keywords such as minLength and minItems from the schema they
      // send (Gemini's most of all), so a competent model answers the example of the full schema.
      const requested = body.response_format?.json_schema?.schema ?? body.generationConfig?.responseSchema;
      const schema = schemas.find((s) => requested && sameKeys(s.required, requested.required));
      return schema ? reply.json(exampleFromSchema(schema)) : undefined;
    });
  }

  /** Starts a run; returns its id and what the CLI printed (shown when an assertion fails). */
  async function start(smokeChecksService: boolean): Promise<{ runId: string; printed: string }> {
    environment({
      OPENROUTER_API_KEY: openrouterKey,
      MISTRAL_API_KEY: mistralKey,
      GEMINI_API_KEY: geminiKey,
    });
    vi.stubEnv("SMOKE_BASE_URL", smokeChecksService ? healthBase : "");
    scriptHosted();
    const started = await cli(
      "run",
      join(example, "workflow.yaml"),
      "--config",
      releaseConfig,
      "--db",
      db,
      "-i",
      "release=2.4.0",
      "-i",
      `changelog=${changelog}`,
      "-i",
      `health-url=${healthBase}/health`,
    );
    expect([0, 1, 3], started.stderr + started.stdout).toContain(started.exitCode);
    return { runId: /run (run_\w+)/.exec(started.stdout)![1]!, printed: started.stdout + started.stderr };
  }

  it("healthy service: models on three wires, the smoke script and the probe pass, a person approves go-live", async () => {
    healthy = true;
    probes = 0;
    const { runId, printed } = await start(true);
    const statuses = await stepStatuses(runId);
    expect(statuses["go-live"], printed).toBe("waiting");
    const approved = await cli("approve", runId, "go-live", "--as", "release-manager", "--db", db);
    expect(approved.exitCode, approved.stderr).toBe(0);
    const resumed = await cli("resume", runId, "--db", db, "--config", releaseConfig);
    expect(resumed.exitCode, resumed.stdout + resumed.stderr).toBe(0);

    expect(await stepStatuses(runId)).toMatchObject({
      "smoke-tests": "succeeded",
      "health-check": "succeeded",
      readiness: "succeeded",
      "go-live": "succeeded",
    });
    // The probe reached the server this test started, at the URL given as an input.
    expect(probes).toBeGreaterThanOrEqual(1);
    // The smoke script really ran (a child process in the example's folder, SMOKE_BASE_URL passed
    // through the allow-list) and checked the service too; its output is in the journal.
    const ends = (await journal(runId)).filter((e) => e.type === "step-end");
    const outputOf = (stepId: string) =>
      ends.find((e) => e.type === "step-end" && e.stepId === stepId)?.output as Record<string, unknown>;
    expect(outputOf("smoke-tests")).toMatchObject({ passed: true, exitCode: 0 });
    expect(outputOf("smoke-tests").detail).toContain("smoke: all 3 checks passed");
    expect(outputOf("smoke-tests").detail).toContain(`ok   ${healthBase}/health reports ok`);
    expect(outputOf("health-check")).toMatchObject({ passed: true, status: 200, detail: '{"status":"ok"}' });
    // All three wires were used: OpenRouter and Mistral on chat completions, Gemini on generateContent.
    expect(new Set(hosted.requests.map((r) => r.wire))).toEqual(new Set(["openai", "gemini"]));
    expect(hosted.requests.filter((r) => r.wire === "gemini").map((r) => r.model)).toContain(
      "gemini-2.5-pro",
    );
    const docs = await documents(runId);
    for (const id of [
      "deployment-scripts",
      "environment-config",
      "monitoring-plan",
      "integration-report",
      "go-live-review",
    ])
      expect(docs.has(id), id).toBe(true);
  }, 180_000);

  it("unhealthy service: the probe fails after its retries, the run fails before anyone is asked", async () => {
    healthy = false;
    probes = 0;
    // The smoke script checks only itself this time, so exactly one check fails: the probe.
    const { runId, printed } = await start(false);
    const statuses = await stepStatuses(runId);
    expect(statuses, printed).toMatchObject({ "smoke-tests": "succeeded", "health-check": "failed" });
    expect(statuses.readiness).not.toBe("succeeded");
    expect(statuses["go-live"]).not.toBe("waiting");
    const status = JSON.parse((await cli("status", runId, "--db", db, "--json")).stdout) as {
      run: { status: string };
    };
    expect(status.run.status).toBe("failed");
    // The probe failed for the real reason, was retried as the example says (retries: 3), then gave up.
    const events = await journal(runId);
    const probeErrors = events.flatMap((e) =>
      e.type === "step-error" && e.stepId === "health-check" ? [[e.error.message, e.willRetry] as const] : [],
    );
    expect(probeErrors).toEqual([
      ["health-check: status 503, expected 200", true],
      ["health-check: status 503, expected 200", true],
      ["health-check: status 503, expected 200", true],
      ["health-check: status 503, expected 200", false],
    ]);
    expect(probes).toBe(4);
    const [smoke] = events.flatMap((e) =>
      e.type === "step-end" && e.stepId === "smoke-tests" ? [e.output as { detail: string }] : [],
    );
    expect(smoke!.detail).toContain("smoke: all 2 checks passed");
    const inbox = JSON.parse((await cli("inbox", "--db", db, "--json")).stdout) as Array<{ runId: string }>;
    expect(inbox.filter((item) => item.runId === runId)).toEqual([]);
  }, 180_000);
});
