/**
 * The same 1,000-item fan-out (DESIGN.md §6 row 2) written the way a quorum workflow fans out over
 * items: one `map` step over a document's array, `concurrency: 50`, each item one 5 ms call. Every
 * item's call is still journaled (its start committed before the request leaves, its end after),
 * but the step-level events (start, route decision, document, end) are paid once for the map, not
 * once per item as in `fan-out.ts`, where each item is a step of its own. The floor is the same
 * 50-lane `Promise.all` pool over the same mock.
 */
import { loadWorkflowText, memoryFileSystem } from "../../src/definition/index.js";
import type {
  ModelCatalog,
  ModelClient,
  ModelRequest,
  ModelResponse,
  Workflow,
} from "../../src/spec/index.js";
import { againstPool, type FanOutResult } from "./fan-out.js";
import { benchRuntime, type StoreFactory } from "./stores.js";

/** Same fields as the 1,000-steps form. */
export type MapFanOutResult = FanOutResult;

const benchModelRef = "openai/gpt-4o-mini";
const catalog: ModelCatalog = {
  providers: { openai: { id: "openai", local: false, openModelSet: false, apiKeyEnv: "OPENAI_API_KEY" } },
  models: {
    [benchModelRef]: { ref: benchModelRef, price: { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0.6 } },
  },
};

function mapWorkflow(concurrency: number): Workflow {
  const yaml = `quorum: 1
name: map-fan-out
defaults:
  models: [${benchModelRef}]
documents:
  backlog: { schema: schemas/backlog.json }
  results: { format: markdown }
steps:
  - { id: plan, kind: model, prompt: prompts/plan.md, outputs: [backlog] }
  - { id: fan, kind: map, prompt: prompts/item.md, inputs: [backlog], over: documents.backlog.items, concurrency: ${concurrency}, outputs: [results] }
`;
  const files = {
    "/bench/prompts/plan.md": "plan",
    "/bench/prompts/item.md": "{{ item }}",
    "/bench/schemas/backlog.json": JSON.stringify({
      type: "object",
      required: ["items"],
      properties: { items: { type: "array", items: { type: "string" } } },
    }),
  };
  const result = loadWorkflowText("/bench/map-fan-out.yaml", yaml, { catalog, fs: memoryFileSystem(files) });
  if (!result.workflow)
    throw new Error(`map bench workflow does not validate: ${JSON.stringify(result.issues)}`);
  return result.workflow;
}

/** The plan step answers at once with the item list; every item's call takes `latencyMs`. */
function mapModel(items: readonly string[], latencyMs: number): ModelClient {
  const backlog = JSON.stringify({ items });
  let calls = 0;
  return {
    specificationVersion: "v1",
    generate(request: ModelRequest): Promise<ModelResponse> {
      const response: ModelResponse = {
        text: request.schema ? backlog : `# ${request.prompt}\n\nanswer #${++calls}`,
        model: "bench/mock",
        usage: { inputTokens: 50, outputTokens: 60 },
        costUsd: 0,
      };
      if (request.schema) return Promise.resolve(response);
      return new Promise((resolve) => setTimeout(() => resolve(response), latencyMs));
    },
  };
}

export async function measureMapFanOut(
  factory: StoreFactory,
  options: { items?: number; concurrency?: number; latencyMs?: number; repetitions?: number } = {},
): Promise<FanOutResult> {
  const items = options.items ?? 1000;
  const concurrency = options.concurrency ?? 50;
  const latencyMs = options.latencyMs ?? 5;
  const ids = Array.from({ length: items }, (_, i) => `item${i}`);
  const store = await factory.open("map-fan-out");
  const models = mapModel(ids, latencyMs);
  const runtime = benchRuntime(store, models, { maxConcurrentSteps: concurrency });
  const workflow = mapWorkflow(concurrency);
  const timed = await againstPool(runtime, workflow, models, ids, concurrency, options.repetitions ?? 5);
  return { engine: factory.engine, items, concurrency, callLatencyMs: latencyMs, ...timed };
}
