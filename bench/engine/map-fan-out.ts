/**
 * The same 1,000-item fan-out (DESIGN.md §6 row 2) written the way a quorum workflow fans out over
 * items: one `map` step, `concurrency: 50`, each item one 5 ms call. Every item's call is still
 * journaled (declared in a `model-call-batch-start` committed before it leaves, its end after), but the
 * step-level events (start, route decision, document, end) are paid once for the map, not once per item
 * as in `fan-out.ts`, where each item is a step of its own. The floor is the same 50-lane `Promise.all`
 * pool over the same mock.
 *
 * `source: "input"` (the verdict) maps over a list the run is given, as the floor is given its items;
 * `source: "document"` maps over a document a first model step writes, so its run also pays that step
 * (its call, validating and storing a 1,000-item document): reported beside it.
 */
import { loadWorkflowText, memoryFileSystem } from "../../src/definition/index.js";
import type {
  JsonValue,
  ModelCatalog,
  ModelClient,
  ModelRequest,
  ModelResponse,
  Workflow,
} from "../../src/spec/index.js";
import { againstPool, type FanOutResult } from "./fan-out.js";
import { benchRuntime, type StoreFactory } from "./stores.js";

/** Same fields as the 1,000-steps form, and where the items came from. */
export type MapFanOutResult = FanOutResult & { source: MapSource };

const benchModelRef = "openai/gpt-4o-mini";
const catalog: ModelCatalog = {
  providers: { openai: { id: "openai", local: false, openModelSet: false, apiKeyEnv: "OPENAI_API_KEY" } },
  models: {
    [benchModelRef]: { ref: benchModelRef, price: { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0.6 } },
  },
};

function mapWorkflow(concurrency: number, source: MapSource): Workflow {
  const map = `{ id: fan, kind: map, prompt: prompts/item.md, concurrency: ${concurrency}, outputs: [results]`;
  const yaml =
    source === "input"
      ? `quorum: 1
name: map-fan-out
inputs:
  items: { type: list }
defaults:
  models: [${benchModelRef}]
documents:
  results: { format: markdown }
steps:
  - ${map}, over: inputs.items }
`
      : `quorum: 1
name: map-fan-out
defaults:
  models: [${benchModelRef}]
documents:
  backlog: { schema: schemas/backlog.json }
  results: { format: markdown }
steps:
  - { id: plan, kind: model, prompt: prompts/plan.md, outputs: [backlog] }
  - ${map}, inputs: [backlog], over: documents.backlog.items }
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

/** Where the map's items come from: a list input (the verdict) or a document a first step writes. */
export type MapSource = "input" | "document";

export async function measureMapFanOut(
  factory: StoreFactory,
  options: {
    items?: number;
    concurrency?: number;
    latencyMs?: number;
    repetitions?: number;
    source?: MapSource;
  } = {},
): Promise<MapFanOutResult> {
  const items = options.items ?? 1000;
  const concurrency = options.concurrency ?? 50;
  const latencyMs = options.latencyMs ?? 5;
  const source = options.source ?? "input";
  const ids = Array.from({ length: items }, (_, i) => `item${i}`);
  const store = await factory.open(`map-fan-out-${source}`);
  const models = mapModel(ids, latencyMs);
  const runtime = benchRuntime(store, models, { maxConcurrentSteps: concurrency });
  const workflow = mapWorkflow(concurrency, source);
  const inputs: Record<string, JsonValue> = source === "input" ? { items: ids } : {};
  const repetitions = options.repetitions ?? 5;
  const timed = await againstPool(runtime, workflow, models, ids, concurrency, repetitions, inputs);
  return { engine: factory.engine, source, items, concurrency, callLatencyMs: latencyMs, ...timed };
}
