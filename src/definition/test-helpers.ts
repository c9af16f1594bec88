/** Helpers for the definition layer's tests: load YAML from memory with a fixed small catalog. */
import type { Issue, ModelCatalog } from "../spec/index.js";
import { memoryFileSystem } from "./file-system.js";
import { type LoadResult, loadWorkflow } from "./load.js";

export const testCatalog: ModelCatalog = {
  providers: {
    openai: { id: "openai", local: false, openModelSet: false, apiKeyEnv: "OPENAI_API_KEY" },
    anthropic: { id: "anthropic", local: false, openModelSet: false },
    ollama: { id: "ollama", local: true, openModelSet: true },
    openrouter: { id: "openrouter", local: false, openModelSet: true },
  },
  models: {
    "openai/gpt-4o-mini": { ref: "openai/gpt-4o-mini" },
    "openai/gpt-4o": { ref: "openai/gpt-4o" },
    "anthropic/claude-sonnet-4-5": { ref: "anthropic/claude-sonnet-4-5" },
  },
};

export const defaultFiles: Record<string, string> = {
  "w/prompts/a.md": "Write about {{ inputs.topic }}.",
  "w/prompts/b.md": "Improve: {{ documents.doc-a }}",
  "w/schemas/doc.schema.json": JSON.stringify({
    type: "object",
    required: ["title", "items"],
    properties: { title: { type: "string" }, items: { type: "array", items: { type: "string" } } },
  }),
};

/** Load `yaml` as `w/workflow.yaml` with `files` (plus defaults) beside it. */
export function load(yaml: string, files: Record<string, string> = {}): LoadResult {
  const fs = memoryFileSystem({ ...defaultFiles, ...files, "w/workflow.yaml": yaml });
  return loadWorkflow("w/workflow.yaml", { fs, catalog: testCatalog });
}

export const summarize = (issues: Issue[]) =>
  issues.map(
    (i) => `${i.code} ${i.path} ${i.start ? `${i.start.line}:${i.start.column}` : "-"} ${i.message}`,
  );

/** A valid two-step workflow to mutate in tests. */
export const validYaml = `quorum: 1
name: demo
inputs:
  topic: { type: string }
documents:
  doc-a: { schema: schemas/doc.schema.json }
  doc-b: { format: markdown }
defaults:
  models: [openai/gpt-4o-mini]
steps:
  - id: first
    kind: model
    prompt: prompts/a.md
    outputs: [doc-a]
  - id: second
    kind: model
    prompt: prompts/b.md
    inputs: [doc-a]
    outputs: [doc-b]
`;
