/**
 * `gate` steps: deterministic checks plus an optional judge score against a threshold. On failure
 * the gate sends its `remediate` targets to a new round with its findings (up to `maxRounds`),
 * then fails or asks for an approval (`onExhausted`). Every round's verdict is in the step output.
 */
import type { GateVerdict, JsonValue } from "../../spec/index.js";
import type { StepContext, StepExecutor, StepOutcome } from "../types.js";
import { type CheckedDocument, runCheck } from "./checks.js";
import { judge, type Verdict } from "./judge.js";

export const gateStep: StepExecutor = {
  async execute(context: StepContext): Promise<StepOutcome> {
    const step = context.step;
    if (step.kind !== "gate") throw new Error("gate executor given another kind");
    const documents: CheckedDocument[] = [];
    for (const id of step.inputs) {
      const loaded = await context.readDocument(id);
      if (!loaded) continue;
      documents.push({
        id,
        content: loaded.content,
        value: parse(loaded.content),
        ...(loaded.model !== undefined ? { model: loaded.model } : {}),
      });
    }
    const variables = await context.variables();
    const findings: string[] = [];
    const verdicts: Verdict[] = [];
    for (const check of step.checks) {
      if (check.type === "judge") verdicts.push(await judge(context, check, documents, variables));
      else findings.push(...runCheck(check, documents, context.workflow, variables));
    }
    const score =
      verdicts.length > 0 ? verdicts.reduce((a, v) => a + v.score, 0) / verdicts.length : undefined;
    const belowThreshold = score !== undefined && step.threshold !== undefined && score < step.threshold;
    if (belowThreshold) findings.push(...verdicts.flatMap((v) => v.findings));
    const passed = findings.length === 0 && !belowThreshold;
    const report = {
      passed,
      round: context.round,
      ...(score !== undefined ? { score: round3(score) } : {}),
      ...(step.threshold !== undefined ? { threshold: step.threshold } : {}),
      scores: Object.assign({}, ...verdicts.map((v) => v.scores)) as Record<string, number>,
      findings,
      ...(verdicts.some((v) => v.dryRun)
        ? { note: "dry run: the judge was a stub, no judgement was made" }
        : {}),
    };
    const output = report as unknown as JsonValue;
    if (passed) return { type: "done", documents: reportDocuments(context, report), output };
    if (context.dryRun) {
      // Placeholder documents cannot meet real checks; a dry run reports what would fail and goes on.
      const noted = {
        ...report,
        note: `dry run: on real documents this gate would fail on: ${findings.join("; ")}`,
      };
      return {
        type: "done",
        documents: reportDocuments(context, noted),
        output: noted as unknown as JsonValue,
      };
    }
    const scored =
      score !== undefined
        ? `score ${round3(score)}${step.threshold !== undefined ? ` (threshold ${step.threshold})` : ""}`
        : "";
    const summary = `Gate '${step.id}' failed in round ${context.round}${scored ? `; ${scored}` : ""}; findings:`;
    const feedback = [summary, ...findings.map((f) => `- ${f}`)];
    // The verdict as data on the journaled event, so nobody parses the feedback text for the score.
    const verdict: GateVerdict = {
      round: context.round,
      passed: false,
      ...(report.score !== undefined ? { score: report.score } : {}),
      ...(report.threshold !== undefined ? { threshold: report.threshold } : {}),
      scores: report.scores,
      findings: findings.length,
    };
    if (step.remediate.length > 0 && context.round <= step.maxRounds)
      return {
        type: "remediate",
        targets: step.remediate,
        feedback: [feedback.join("\n")],
        output,
        verdict,
      };
    if (step.onExhausted === "approval") {
      const reply = await context.humanInput(
        "approval",
        `${feedback.join("\n")}\nThe gate is out of remediation rounds. Accept the documents anyway?`,
      );
      if (reply.status === "waiting") return { type: "waiting" };
      if ((reply.response as { decision?: string }).decision === "approve")
        return {
          type: "done",
          documents: reportDocuments(context, { ...report, acceptedBy: reply.respondedBy ?? "someone" }),
          output,
        };
    }
    return {
      type: "failed",
      error: { name: "GateFailed", message: feedback.join(" ") },
      retryable: false,
      verdict,
    };
  },
};

function reportDocuments(context: StepContext, report: Record<string, unknown>): Record<string, string> {
  const id = context.step.outputs[0];
  if (!id) return {};
  if (context.workflow.documents[id]?.format === "json") return { [id]: JSON.stringify(report, null, 2) };
  const lines = [
    `# ${context.step.id}: ${report.passed ? "passed" : "accepted"}`,
    "",
    ...(report.score !== undefined
      ? [
          `Score: ${report.score}${report.threshold !== undefined ? ` (threshold ${report.threshold})` : ""}`,
          "",
        ]
      : []),
    ...Object.entries(report.scores as Record<string, number>).map(([k, v]) => `- ${k}: ${v}`),
    "",
    ...(report.note ? [`> ${report.note}`, ""] : []),
    "## Findings",
    ...((report.findings as string[]).length > 0
      ? (report.findings as string[]).map((f) => `- ${f}`)
      : ["None."]),
  ];
  return { [id]: `${lines.join("\n")}\n` };
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function parse(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return content;
  }
}
