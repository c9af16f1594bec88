/**
 * `check` steps: run a command (argv, no shell unless asked, allow-listed environment, timeout,
 * output captured) or probe a URL, and pass on exit code, status or expected output. The seeds'
 * smoke tests and health checks.
 */
import { spawn } from "node:child_process";
import { dirname, resolve } from "node:path";
import { renderTemplate } from "../../definition/index.js";
import type { CheckStep } from "../../spec/index.js";
import { lookupPath } from "../lookup.js";
import type { StepContext, StepExecutor, StepOutcome } from "../types.js";

/** Output kept in the journal, per stream. */
const maxCapturedBytes = 16 * 1024;
const defaultTimeoutMs = 5 * 60_000;

export const checkStep: StepExecutor = {
  async execute(context: StepContext): Promise<StepOutcome> {
    const step = context.step as CheckStep;
    const timeoutMs = step.timeoutMs ?? defaultTimeoutMs;
    const result = step.run
      ? await runCommand(step, context, timeoutMs)
      : await probe(step, context, timeoutMs);
    const documents: Record<string, string> = {};
    const outputId = step.outputs[0];
    if (outputId)
      documents[outputId] =
        context.workflow.documents[outputId]?.format === "json"
          ? JSON.stringify(result, null, 2)
          : `# ${step.id}: ${result.passed ? "passed" : "failed"}\n\n\`\`\`\n${result.detail}\n\`\`\`\n`;
    if (result.passed) return { type: "done", documents, output: result };
    return {
      type: "failed",
      error: { name: "CheckFailed", message: `${step.id}: ${result.reason}` },
      retryable: true,
    };
  },
};

interface CheckResult {
  [key: string]: string | number | boolean;
  passed: boolean;
  reason: string;
  detail: string;
}

function runCommand(step: CheckStep, context: StepContext, timeoutMs: number): Promise<CheckResult> {
  const run = step.run!;
  const baseDir = dirname(resolve(context.workflow.source.file));
  const env: Record<string, string> = { PATH: process.env.PATH ?? "" };
  for (const name of run.env) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  return new Promise((done) => {
    const [command, ...args] = run.command;
    const child = spawn(command!, args, {
      cwd: resolve(baseDir, run.cwd ?? "."),
      env,
      shell: run.shell,
      signal: context.signal,
      timeout: timeoutMs,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const capture = (chunk: Buffer) => {
      if (output.length < maxCapturedBytes)
        output += chunk.toString("utf8").slice(0, maxCapturedBytes - output.length);
    };
    child.stdout.on("data", capture);
    child.stderr.on("data", capture);
    child.on("error", (error) =>
      done({ passed: false, reason: `cannot run '${command}': ${error.message}`, detail: output }),
    );
    child.on("close", (code, signal) => {
      if (code === null)
        return done({
          passed: false,
          reason: `killed by ${signal} (timeout ${timeoutMs} ms?)`,
          detail: output,
        });
      if (code !== run.expectExitCode)
        return done({
          passed: false,
          reason: `exit code ${code}, expected ${run.expectExitCode}`,
          detail: output,
          exitCode: code,
        });
      if (run.expectOutput && !new RegExp(run.expectOutput).test(output))
        return done({
          passed: false,
          reason: `output does not match /${run.expectOutput}/`,
          detail: output,
          exitCode: code,
        });
      done({ passed: true, reason: "ok", detail: output, exitCode: code });
    });
  });
}

async function probe(step: CheckStep, context: StepContext, timeoutMs: number): Promise<CheckResult> {
  const spec = step.probe!;
  // `{{ inputs.health-url }}`: where to probe is often only known per run (staging vs production).
  const url = spec.url.includes("{{")
    ? renderTemplate(spec.url, (path) => lookupPath({ inputs: context.inputs }, path))
    : spec.url;
  try {
    const response = await fetch(url, {
      method: spec.method,
      signal: AbortSignal.any([context.signal, AbortSignal.timeout(timeoutMs)]),
    });
    const body = (await response.text()).slice(0, maxCapturedBytes);
    if (response.status !== spec.expectStatus)
      return {
        passed: false,
        reason: `status ${response.status}, expected ${spec.expectStatus}`,
        detail: body,
        status: response.status,
      };
    if (spec.expectBody && !body.includes(spec.expectBody) && !new RegExp(spec.expectBody).test(body))
      return {
        passed: false,
        reason: `body does not contain '${spec.expectBody}'`,
        detail: body,
        status: response.status,
      };
    return { passed: true, reason: "ok", detail: body, status: response.status };
  } catch (error) {
    return {
      passed: false,
      reason: `${spec.method} ${url} failed: ${(error as Error).message}`,
      detail: "",
    };
  }
}
