/**
 * Golden tests of the CLI: what a user sees for valid and broken files, plans in every format,
 * `init`, and the exit codes of DESIGN.md §4 (0 ok, 1 failed, 2 usage or invalid input).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { WorkflowFile } from "../../src/spec/index.js";
import { cli } from "./run-cli.js";

const examples = readdirSync("examples", { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => `examples/${d.name}/workflow.yaml`);

describe("quorum validate", () => {
  it.each(examples)("%s is valid with no warnings", async (file) => {
    const result = await cli("validate", file);
    expect(result.stdout).toMatch(/valid \(\d+ steps\)\n$/);
    expect(result.stdout).not.toContain("warning");
    expect(result.exitCode).toBe(0);
  });

  it("prints every issue of a broken file like a compiler, with code frames", async () => {
    const result = await cli("validate", "test/fixtures/broken.yaml");
    expect(result.exitCode).toBe(2);
    await expect(result.stdout).toMatchFileSnapshot("golden/validate-broken.txt");
  });

  it("prints issues as data with --json", async () => {
    const result = await cli("validate", "--json", "test/fixtures/broken.yaml");
    const data = JSON.parse(result.stdout) as {
      valid: boolean;
      files: Array<{ issues: Array<{ code: string; path: string }> }>;
    };
    expect(data.valid).toBe(false);
    expect(data.files[0]!.issues.map((i) => `${i.code} ${i.path}`)).toEqual(
      expect.arrayContaining([
        "QW002 steps[1].needz",
        "QW016 steps[0].models[0]",
        "QW014 steps[1].inputs[0]",
      ]),
    );
    expect(result.exitCode).toBe(2);
  });

  it("says clearly when the file does not exist", async () => {
    const result = await cli("validate", "nope.yaml");
    expect(result.stdout).toContain("workflow file 'nope.yaml' does not exist");
    expect(result.exitCode).toBe(2);
  });
});

describe("quorum plan", () => {
  it("prints layers, critical path, time and cost", async () => {
    const result = await cli("plan", "examples/strategy-document/workflow.yaml");
    expect(result.exitCode).toBe(0);
    await expect(result.stdout).toMatchFileSnapshot("golden/plan-strategy-document.txt");
  });

  it("prints Mermaid", async () => {
    const result = await cli("plan", "examples/release-integration/workflow.yaml", "--format", "mermaid");
    expect(result.stdout.startsWith("flowchart TD")).toBe(true);
    await expect(result.stdout).toMatchFileSnapshot("golden/plan-release-integration.mmd");
  });

  it("prints the plan as JSON", async () => {
    const result = await cli("plan", "examples/release-integration/workflow.yaml", "--json");
    const plan = JSON.parse(result.stdout) as { layers: string[][]; estimate: { speedup: number } };
    expect(plan.layers.length).toBeGreaterThan(1);
    expect(plan.estimate.speedup).toBeGreaterThan(1);
  });

  it("refuses an invalid workflow with exit code 2", async () => {
    const result = await cli("plan", "test/fixtures/broken.yaml");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("fix them, then plan again");
  });

  it("rejects an unknown format", async () => {
    const result = await cli("plan", "examples/coordinator/workflow.yaml", "--format", "svg");
    expect(result.stderr).toContain("unknown format 'svg'");
    expect(result.exitCode).toBe(2);
  });
});

describe("quorum init", () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("creates a starter project that validates and plans, and never overwrites", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quorum-init-"));
    dirs.push(dir);
    const created = await cli("init", dir);
    expect(created.exitCode).toBe(0);
    const workflow = join(dir, "workflows/hello.yaml");
    const validated = await cli("validate", workflow);
    expect(validated.stdout).toMatch(/valid/);
    expect(validated.stdout).not.toContain("warning");
    expect((await cli("plan", workflow)).exitCode).toBe(0);
    const before = readFileSync(workflow, "utf8");
    const again = await cli("init", dir);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain("nothing was written");
    expect(readFileSync(workflow, "utf8")).toBe(before);
  });
});

describe("usage errors", () => {
  it("exits 2 on an unknown command without a stack trace", async () => {
    const result = await cli("frobnicate");
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown command");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("a store URL quorum cannot open is a usage error, not an internal one", async () => {
    for (const url of ["mysql://root:secret@db/x", "/tmp/x.db", "postgres://u:p@[bad"]) {
      const result = await cli("runs", "--db", url);
      expect(result.exitCode, url).toBe(2);
      expect(result.stderr, url).toMatch(/^error: (unsupported store URL|invalid PostgreSQL URL)/);
      expect(result.stderr, url).not.toContain("secret");
    }
  });

  it("a store that cannot be reached is a failure (exit 1) a script may retry, not a usage error", async () => {
    const result = await cli("runs", "--db", "postgres://u:secret@127.0.0.1:1/x");
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: store 127\.0\.0\.1:1\/x is unavailable: cannot connect/);
    expect(result.stderr).not.toContain("secret");
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("runs as a real process with the documented exit codes", () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
      });
    const ok = run("validate", "examples/coordinator/workflow.yaml");
    expect(ok.status).toBe(0);
    const bad = run("validate", "test/fixtures/broken.yaml");
    expect(bad.status).toBe(2);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect(run("--help").stdout).toContain("validate");
  });
});

describe("a reader that leaves early (quorum run … | head -2)", () => {
  it("stops printing without a stack trace and still drives the run to where it waits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "quorum-epipe-"));
    try {
      const db = `sqlite:${join(dir, "q.db")}`;
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "src/cli/main.ts",
          "run",
          "examples/strategy-document/workflow.yaml",
          "--dry-run",
          "--db",
          db,
          "-i",
          "idea=x",
        ],
        { env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      // Like `head -1`: read the first line, then close the pipe.
      child.stdout.once("data", () => child.stdout.destroy());
      const code = await new Promise<number | null>((done) => child.on("close", done));
      expect(stderr).not.toMatch(/EPIPE|Unhandled|\n\s+at /);
      expect(code).toBe(3);
      const runs = JSON.parse((await cli("runs", "--db", db, "--json")).stdout) as Array<{ status: string }>;
      expect(runs.map((r) => r.status)).toEqual(["waiting"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("published JSON Schema", () => {
  it("accepts every example, like the loader does", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validate = ajv.compile(z.toJSONSchema(WorkflowFile, { target: "draft-2020-12", io: "input" }));
    for (const file of examples) {
      const ok = validate(parse(readFileSync(file, "utf8")));
      expect(ok, `${file}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    expect(validate(parse(readFileSync("test/fixtures/broken.yaml", "utf8")))).toBe(false);
  });
});
