/**
 * The data a step's templates and expressions see: run inputs, the latest version of every
 * document produced so far, role, step and workflow fields, feedback and answers.
 */
import { truncateToTokens } from "../models/context/index.js";
import type { JsonValue, Step } from "../spec/index.js";
import { documentText } from "./document-text.js";
import type { RunScope } from "./types.js";

export interface RunData {
  inputs: Record<string, JsonValue>;
  /** Parsed JSON for JSON documents, text otherwise. */
  documents: Record<string, JsonValue>;
  role?: { id: string; name?: string; instructions: string };
  step: { id: string; name?: string; description?: string };
  workflow: { name: string; description?: string; version?: string };
  run: { id: string };
  output?: { id: string; schema?: JsonValue; description?: string };
  feedback?: string;
  answers?: string;
  item?: JsonValue;
  index?: number;
}

export async function readDocumentText(
  scope: RunScope,
  documentId: string,
): Promise<{ version: number; content: string; model?: string } | undefined> {
  const event = scope.index.documents.get(documentId);
  if (!event) return undefined;
  const lineage = event.model !== undefined ? { model: event.model } : {};
  const cached = event.content ?? scope.index.contents.get(event.blobHash);
  if (cached !== undefined) return { version: event.version, content: cached, ...lineage };
  const content = await documentText(scope.writer, event);
  if (content === undefined)
    throw new Error(`the content of document '${documentId}' v${event.version} is missing from the store`);
  scope.index.contents.set(event.blobHash, content);
  return { version: event.version, content, ...lineage };
}

/**
 * `only`: the documents to load (a step's prompt may reference only those it consumes, which the
 * validator checks); without it every document so far, for `when:` and gate assertions that may look
 * at anything upstream. Loading everything for every step would make wide runs quadratic.
 */
export async function runData(
  scope: RunScope,
  step: Step,
  extra: Partial<RunData> = {},
  only?: readonly string[],
): Promise<RunData> {
  const documents: Record<string, JsonValue> = {};
  const wanted = only ?? [...scope.index.documents.keys()];
  for (const documentId of wanted) {
    const event = scope.index.documents.get(documentId);
    if (!event) continue;
    // Cached content is taken without an await: with n documents, n microtask turns per step made wide
    // fan-outs spend most of their time here.
    const content =
      event.content ??
      scope.index.contents.get(event.blobHash) ??
      (await readDocumentText(scope, documentId))?.content;
    if (content === undefined) continue;
    const type = scope.workflow.documents[documentId];
    const maxTokens = type?.context?.policy === "truncate" ? type.context.maxTokens : undefined;
    // A truncated JSON document is no longer JSON: its prompt gets the cut text.
    if (maxTokens !== undefined && only !== undefined) {
      const cut = await truncateToTokens(content, maxTokens);
      if (cut !== content) {
        documents[documentId] = cut;
        continue;
      }
    }
    documents[documentId] = type?.format === "json" ? parseOrText(content) : content;
  }
  const role = "role" in step && step.role ? scope.workflow.roles[step.role] : undefined;
  const output = step.outputs[0] ? scope.workflow.documents[step.outputs[0]] : undefined;
  return {
    inputs: (scope.index.inputs ?? {}) as Record<string, JsonValue>,
    documents,
    ...(role
      ? { role: { id: role.id, instructions: role.instructions, ...(role.name ? { name: role.name } : {}) } }
      : {}),
    step: {
      id: step.id,
      ...(step.name ? { name: step.name } : {}),
      ...(step.description ? { description: step.description } : {}),
    },
    workflow: {
      name: scope.workflow.name,
      ...(scope.workflow.description ? { description: scope.workflow.description } : {}),
      ...(scope.workflow.version ? { version: scope.workflow.version } : {}),
    },
    run: { id: scope.runId },
    ...(output
      ? {
          output: {
            id: output.id,
            ...(output.schema ? { schema: output.schema as JsonValue } : {}),
            ...(output.description ? { description: output.description } : {}),
          },
        }
      : {}),
    ...extra,
  };
}

function parseOrText(content: string): JsonValue {
  try {
    return JSON.parse(content) as JsonValue;
  } catch {
    return content;
  }
}
