/**
 * Planning at scale (DESIGN.md §6: a 10,000-step DAG plans in < 200 ms). Generates a seeded
 * random DAG as workflow YAML (each step consumes 0–3 documents of earlier steps), then times
 * the public functions: `loadWorkflowText` (parse + validate) and `plan`, for 1,000 and 10,000
 * steps. Loader time moves as validation rules are added; only `plan` has a target.
 */
import { memoryFileSystem } from "../src/definition/file-system.js";
import { loadWorkflowText } from "../src/definition/load.js";
import { plan, renderPlanText } from "../src/planner/index.js";
import type { ModelCatalog, PlanContext } from "../src/spec/index.js";
import { type BenchModule, measure, ms, seededRandom, type Timing } from "./harness.js";

const planTargetMs = 200;
const model = "openai/gpt-4o-mini";
const catalog: ModelCatalog = {
  providers: { openai: { id: "openai", local: false, openModelSet: false, apiKeyEnv: "OPENAI_API_KEY" } },
  models: { [model]: { ref: model, price: { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0.6 } } },
};
const context: PlanContext = { prices: { [model]: catalog.models[model]!.price! } };
const durations = ["30s", "1m", "2m", "5m", "10m"];
/** Files live in memory so the bench measures validation, not the disk. */
const benchDir = "/bench";
const fs = memoryFileSystem({
  [`${benchDir}/prompts/write.md`]: "Write the next document from its inputs.\n",
});

/** The YAML text of a random DAG with `steps` steps and how many document edges it has. */
export function randomWorkflowYaml(steps: number, seed: number): { text: string; edges: number } {
  const random = seededRandom(seed);
  const lines = [
    "quorum: 1",
    `name: bench-${steps}`,
    "roles:",
    "  writer:",
    "    instructions: Write the document.",
    `    models: [${model}]`,
    "documents:",
  ];
  for (let i = 0; i < steps; i++) lines.push(`  doc-${i}: {}`);
  lines.push("steps:");
  let edges = 0;
  for (let i = 0; i < steps; i++) {
    const inputs = new Set<number>();
    const wanted = Math.min(i, Math.floor(random() * 4));
    // Mostly recent documents, sometimes far back: long chains and wide layers at once.
    while (inputs.size < wanted) {
      const back = random() < 0.7 ? 1 + Math.floor(random() * Math.min(i, 20)) : 1 + Math.floor(random() * i);
      inputs.add(i - back);
    }
    edges += inputs.size;
    lines.push(`  - id: step-${i}`, "    kind: model", "    role: writer", "    prompt: prompts/write.md");
    if (inputs.size > 0) lines.push(`    inputs: [${[...inputs].map((d) => `doc-${d}`).join(", ")}]`);
    lines.push(`    outputs: [doc-${i}]`);
    lines.push(`    estimate: { duration: ${durations[Math.floor(random() * durations.length)]} }`);
  }
  return { text: `${lines.join("\n")}\n`, edges };
}

interface CaseResult {
  steps: number;
  documentEdges: number;
  yamlBytes: number;
  issues: { errors: number; warnings: number };
  layers: number;
  criticalPathSteps: number;
  load: Timing;
  plan: Timing;
  /** `plan` of a JSON copy of the loaded workflow (uniform object shapes). */
  planOfJsonCopy: Timing;
  renderText: Timing;
}

function runCase(steps: number, runs: { load: number; plan: number }): CaseResult {
  const { text, edges } = randomWorkflowYaml(steps, 20_261_101 + steps);
  const file = `${benchDir}/bench-${steps}.workflow.yaml`;
  const loaded = loadWorkflowText(file, text, { catalog, fs });
  const errors = loaded.issues.filter((issue) => issue.severity === "error");
  if (loaded.workflow === undefined) {
    const first = errors.slice(0, 5).map((issue) => `  ${issue.code} ${issue.path}: ${issue.message}`);
    throw new Error(`the generated ${steps}-step workflow does not validate:\n${first.join("\n")}`);
  }
  const workflow = loaded.workflow;
  const planTiming = measure(() => plan(workflow, context), { warmup: 5, iterations: runs.plan });
  // The same workflow after a JSON round trip: steps share hidden classes and strings are
  // internalized, which shows how much of `plan` time is the loader's object layout, not the planner.
  const copy = JSON.parse(JSON.stringify(workflow)) as typeof workflow;
  const planOfCopy = measure(() => plan(copy, context), { warmup: 5, iterations: runs.plan });
  const result = plan(workflow, context);
  // After `plan`, so the loader's garbage does not land in plan's timings.
  const load = measure(() => loadWorkflowText(file, text, { catalog, fs }), {
    warmup: 1,
    iterations: runs.load,
  });
  const renderText = measure(() => renderPlanText(result, workflow), { warmup: 2, iterations: 10 });
  return {
    steps,
    documentEdges: edges,
    yamlBytes: Buffer.byteLength(text),
    issues: { errors: errors.length, warnings: loaded.issues.length - errors.length },
    layers: result.layers.length,
    criticalPathSteps: result.criticalPath.steps.length,
    load,
    plan: planTiming,
    planOfJsonCopy: planOfCopy,
    renderText,
  };
}

const bench: BenchModule = {
  name: "plan",
  description: "load (parse + validate) and plan seeded random DAGs of 1,000 and 10,000 steps",
  run() {
    const cases = [runCase(1000, { load: 10, plan: 50 }), runCase(10_000, { load: 3, plan: 30 })];
    for (const c of cases)
      console.log(
        `${c.steps} steps (${c.documentEdges} edges, ${c.layers} layers): ` +
          `load p50 ${ms(c.load.p50Ms)} [${ms(c.load.minMs)}–${ms(c.load.maxMs)}], ` +
          `plan p50 ${ms(c.plan.p50Ms)} [${ms(c.plan.minMs)}–${ms(c.plan.maxMs)}] ` +
          `(of a JSON copy: p50 ${ms(c.planOfJsonCopy.p50Ms)}), ` +
          `text report p50 ${ms(c.renderText.p50Ms)}`,
      );
    const large = cases[1]!;
    const ok = large.plan.p50Ms < planTargetMs;
    return {
      ok,
      data: { target: { plan10kStepsP50Ms: planTargetMs }, cases },
      summary:
        `plan: 10,000 steps p50 ${ms(large.plan.p50Ms)} (target < ${planTargetMs} ms: ${ok ? "ok" : "MISSED"}), ` +
        `load+validate p50 ${ms(large.load.p50Ms)}; 1,000 steps plan p50 ${ms(cases[0]!.plan.p50Ms)}, ` +
        `load p50 ${ms(cases[0]!.load.p50Ms)}`,
    };
  },
};

export default bench;
