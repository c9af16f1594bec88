/**
 * The LLM judge: scores documents on rubric dimensions (0..1 each) with reasons, as structured
 * output. By default the judge is a different model from the producer.
 */
import { renderTemplate } from "../../definition/index.js";
import type { GateCheckSpec } from "../../spec/index.js";
import { lookupPath } from "../lookup.js";
import { checkDocument } from "../model/structured.js";
import type { StepContext } from "../types.js";
import type { CheckedDocument } from "./checks.js";

export interface Verdict {
  score: number;
  scores: Record<string, number>;
  findings: string[];
  model: string;
  dryRun?: boolean;
}

export async function judge(
  context: StepContext,
  check: Extract<GateCheckSpec, { type: "judge" }>,
  documents: CheckedDocument[],
  variables: Record<string, unknown>,
): Promise<Verdict> {
  const schema = {
    type: "object",
    required: ["scores", "findings"],
    properties: {
      scores: {
        type: "object",
        required: check.rubric,
        properties: Object.fromEntries(
          check.rubric.map((d) => [d, { type: "number", minimum: 0, maximum: 1 }]),
        ),
      },
      findings: {
        type: "array",
        items: { type: "string" },
        description: "Concrete problems to fix; empty if none.",
      },
    },
  };
  const custom = check.prompt ? renderTemplate(check.prompt.text, (path) => lookupPath(variables, path)) : "";
  const prompt = [
    custom || "Review the documents below as a strict, fair reviewer.",
    `Score each dimension from 0 (unacceptable) to 1 (excellent): ${check.rubric.join(", ")}.`,
    "List concrete, actionable findings for anything that lowers a score.",
    ...documents.map((d) => `--- ${d.id} ---\n${d.content}`),
  ].join("\n\n");
  // A judge routes as a review task; the content it reads may be sensitive, so privacy carries over.
  const sensitive = documents.some((d) => context.workflow.documents[d.id]?.sensitive === true);
  const models = await context.chooseModels({
    explicit: check.models,
    purpose: "judge",
    needsJson: true,
    sensitive,
    hints: { task: "review" },
    // By default the judge is a different model from the producer: the producer only as a last resort.
    avoid: documents.flatMap((d) => (d.model !== undefined ? [d.model] : [])),
  });
  const response = await context.callModel({
    models,
    prompt,
    schema,
    schemaName: "verdict",
    ...(sensitive ? { sensitive: true } : {}),
  });
  if (response.dryRun)
    // A dry run exercises the path, not the judgement: every dimension passes and says why.
    return {
      score: 1,
      scores: Object.fromEntries(check.rubric.map((d) => [d, 1])),
      findings: [],
      model: response.model,
      dryRun: true,
    };
  const checked = checkDocument(response.text, schema);
  if (!checked.ok)
    throw Object.assign(new Error(`the judge's verdict is invalid: ${checked.errors.join("; ")}`), {
      isRetryable: true,
    });
  const verdict = checked.value as { scores: Record<string, number>; findings: string[] };
  const values = check.rubric.map((d) => verdict.scores[d] ?? 0);
  const score = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  return { score, scores: verdict.scores, findings: verdict.findings, model: response.model };
}
