/**
 * The workflow every chaos run executes: six model steps with a fan-out and a join, and a `map` over
 * the brief's points (one call per point, one at a time, so its calls are declared window by window
 * and a kill can land between a declaration and its call),
 *
 *   brief ──▶ market ─┐
 *         ──▶ risks  ─┤
 *         ──▶ costs  ─┼──▶ synthesis ──▶ summary
 *         ──▶ angles ─┘   (map: one call per point)
 *
 * Every prompt carries `[run <id> step <id>]`, so each request the fake provider receives can be
 * attributed to the journal of the run and step that made it.
 */
import { loadWorkflowText, memoryFileSystem } from "../../src/definition/index.js";
import { builtinCatalog } from "../../src/models/index.js";
import type { Workflow } from "../../src/spec/index.js";

/** The model every step names; the chaos catalog points its provider at the fake server. */
export const chaosModel = "openai/gpt-4o-mini";

const yaml = `quorum: 1
name: chaos
description: Fan-out and join, driven through kill -9.
documents:
  brief: { schema: schemas/part.json }
  market: { schema: schemas/part.json }
  risks: { schema: schemas/part.json }
  costs: { schema: schemas/part.json }
  synthesis: { schema: schemas/part.json }
  summary: { schema: schemas/part.json }
  angles: { format: markdown }
defaults:
  models: [${chaosModel}]
  retries: 2
steps:
  - { id: brief, kind: model, prompt: prompts/part.md, outputs: [brief] }
  - { id: market, kind: model, prompt: prompts/part.md, inputs: [brief], outputs: [market] }
  - { id: risks, kind: model, prompt: prompts/part.md, inputs: [brief], outputs: [risks] }
  - { id: costs, kind: model, prompt: prompts/part.md, inputs: [brief], outputs: [costs] }
  - id: angles
    kind: map
    prompt: prompts/angle.md
    inputs: [brief]
    over: documents.brief.points
    concurrency: 1
    outputs: [angles]
  - id: synthesis
    kind: model
    prompt: prompts/part.md
    inputs: [market, risks, costs, angles]
    outputs: [synthesis]
  - { id: summary, kind: model, prompt: prompts/part.md, inputs: [synthesis], outputs: [summary] }
`;

const partSchema = {
  type: "object",
  required: ["title", "points"],
  properties: {
    title: { type: "string", minLength: 1 },
    points: { type: "array", minItems: 2, items: { type: "string", minLength: 1 } },
  },
};

const files = {
  "chaos/workflow.yaml": yaml,
  "chaos/prompts/part.md": "[run {{ run.id }} step {{ step.id }}]\nWrite the {{ step.id }} part as JSON.\n",
  "chaos/prompts/angle.md":
    "[run {{ run.id }} step {{ step.id }}]\nPoint {{ index }}: {{ item }}\nWrite one angle on it.\n",
  "chaos/schemas/part.json": JSON.stringify(partSchema),
};

/** Steps per chaos run: what "every step ended" is checked against. */
export const chaosStepIds = ["brief", "market", "risks", "costs", "angles", "synthesis", "summary"] as const;

export function chaosWorkflow(): Workflow {
  const result = loadWorkflowText("chaos/workflow.yaml", yaml, {
    fs: memoryFileSystem(files),
    catalog: builtinCatalog(),
  });
  if (!result.workflow)
    throw new Error(
      `the chaos workflow does not validate:\n${result.issues.map((i) => `${i.code} ${i.path} ${i.message}`).join("\n")}`,
    );
  return result.workflow;
}

const marker = /\[run (\S+) step (\S+)\]/;

/** Run ids of the runs workers drive on a private store to warm up; the verdict ignores them. */
export const warmUpRunPrefix = "warmup-";

export function isWarmUpRequest(body: unknown): boolean {
  return attributeRequest(body)?.runId.startsWith(warmUpRunPrefix) ?? false;
}

/** `{ runId, stepId }` from a chat-completions request body, or undefined when it carries no marker. */
export function attributeRequest(body: unknown): { runId: string; stepId: string } | undefined {
  const messages = (body as { messages?: Array<{ content?: unknown }> } | undefined)?.messages ?? [];
  for (const message of messages) {
    const parts = Array.isArray(message.content) ? message.content : [message.content];
    for (const part of parts) {
      const text = typeof part === "string" ? part : (part as { text?: unknown } | null)?.text;
      const match = typeof text === "string" ? marker.exec(text) : null;
      if (match) return { runId: match[1]!, stepId: match[2]! };
    }
  }
  return undefined;
}
