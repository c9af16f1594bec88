/**
 * Workflows for the engine benches, generated as YAML and loaded through the real validator
 * (`loadWorkflowText` + `memoryFileSystem`), so the runtime sees exactly what a user's file gives it.
 * Every step is a `model` step whose prompt is just its id, which lets one mock model look up the
 * latency scripted for each step. Documents are markdown (no JSON Schema): the benches measure the
 * engine and the journal, not document validation (measured separately as `schemaChain`).
 */
import { loadWorkflowText, memoryFileSystem } from "../../src/definition/index.js";
import type { ModelCatalog, Workflow } from "../../src/spec/index.js";
import { seededRandom } from "../harness.js";

export const benchModel = "openai/gpt-4o-mini";
const catalog: ModelCatalog = {
  providers: { openai: { id: "openai", local: false, openModelSet: false, apiKeyEnv: "OPENAI_API_KEY" } },
  models: { [benchModel]: { ref: benchModel, price: { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0.6 } } },
};
const dir = "/bench";
const files = {
  [`${dir}/prompts/step.md`]: "{{ step.id }}",
  [`${dir}/schemas/doc.json`]: JSON.stringify({
    type: "object",
    required: ["title", "body"],
    properties: { title: { type: "string", minLength: 1 }, body: { type: "string" } },
  }),
};

interface StepSpec {
  id: string;
  inputs: number[];
}

function toWorkflow(name: string, steps: StepSpec[], options: { schema?: boolean } = {}): Workflow {
  const documentType = options.schema ? "{ schema: schemas/doc.json }" : "{ format: markdown }";
  const lines = ["quorum: 1", `name: ${name}`, "defaults:", `  models: [${benchModel}]`, "documents:"];
  for (const step of steps) lines.push(`  ${step.id}-out: ${documentType}`);
  lines.push("steps:");
  for (const step of steps) {
    const inputs = step.inputs.map((i) => `${steps[i]!.id}-out`).join(", ");
    lines.push(
      `  - { id: ${step.id}, kind: model, prompt: prompts/step.md, outputs: [${step.id}-out]${inputs ? `, inputs: [${inputs}]` : ""} }`,
    );
  }
  const result = loadWorkflowText(`${dir}/${name}.yaml`, `${lines.join("\n")}\n`, {
    catalog,
    fs: memoryFileSystem(files),
  });
  if (!result.workflow)
    throw new Error(
      `bench workflow ${name} does not validate: ${result.issues
        .slice(0, 5)
        .map((i) => `${i.code} ${i.path} ${i.message}`)
        .join("; ")}`,
    );
  return result.workflow;
}

/** `steps` steps, each consuming the previous step's document. */
export function chainWorkflow(steps: number, options: { schema?: boolean } = {}): Workflow {
  const specs = Array.from({ length: steps }, (_, i) => ({ id: `s${i}`, inputs: i === 0 ? [] : [i - 1] }));
  return toWorkflow(`chain-${steps}${options.schema ? "-schema" : ""}`, specs, options);
}

/** `items` steps with no dependencies: all ready at once. */
export function fanOutWorkflow(items: number): Workflow {
  return toWorkflow(
    `fan-out-${items}`,
    Array.from({ length: items }, (_, i) => ({ id: `item${i}`, inputs: [] })),
  );
}

export interface RandomDag {
  workflow: Workflow;
  /** Scripted model latency of each step. */
  latencyMsByStep: Map<string, number>;
  /** Parents of each step, by index. */
  parents: number[][];
  /** Sum of latencies along the longest path: the makespan of a perfect scheduler. */
  criticalPathMs: number;
  criticalPathSteps: number;
}

/** A seeded random DAG: each node depends on 0–3 earlier nodes, latencies in `[minMs, maxMs]`. */
export function randomDag(nodes: number, seed: number, [minMs, maxMs]: [number, number]): RandomDag {
  const random = seededRandom(seed);
  const parents: number[][] = [];
  const latencies: number[] = [];
  for (let i = 0; i < nodes; i++) {
    const wanted = Math.min(i, Math.floor(random() * 4));
    const chosen = new Set<number>();
    while (chosen.size < wanted) chosen.add(Math.floor(random() * i));
    parents.push([...chosen].sort((a, b) => a - b));
    latencies.push(Math.round(minMs + random() * (maxMs - minMs)));
  }
  const finish: number[] = [];
  const depth: number[] = [];
  for (let i = 0; i < nodes; i++) {
    const ps = parents[i]!;
    const start = Math.max(0, ...ps.map((p) => finish[p]!));
    finish.push(start + latencies[i]!);
    depth.push(1 + Math.max(0, ...ps.filter((p) => finish[p] === start).map((p) => depth[p]!)));
  }
  const end = Math.max(...finish);
  const specs = parents.map((inputs, i) => ({ id: `n${i}`, inputs }));
  return {
    workflow: toWorkflow(`dag-${nodes}-${seed}`, specs),
    latencyMsByStep: new Map(latencies.map((ms, i) => [`n${i}`, ms])),
    parents,
    criticalPathMs: end,
    criticalPathSteps: depth[finish.indexOf(end)]!,
  };
}
