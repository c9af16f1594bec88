/**
 * Step three of loading: a shape-valid file -> the normalized `Workflow`. Pulls in fragments,
 * role files, prompt templates and JSON Schemas; applies defaults; converts durations to ms.
 * Problems with referenced files become issues; nothing here throws on user error.
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import type {
  DocumentType,
  FragmentFile,
  InputSpec,
  Issue,
  PromptTemplate,
  Role,
  RoleFile,
  ToolSpec,
  Workflow,
  WorkflowFile,
} from "../spec/index.js";
import { FragmentFile as FragmentSchema, RoleFile as RoleSchema } from "../spec/index.js";
import { codes } from "./codes.js";
import type { FileSystem, ReadResult } from "./file-system.js";
import type { PathSegment } from "./json-path.js";
import { normalizeStep } from "./normalize-step.js";
import { zodIssues } from "./shape.js";
import { issueAt, parseSource, type SourceFile } from "./source.js";

/** Where each named thing was declared, so rules can point at it even when it came from a fragment. */
export interface Origin {
  source: SourceFile;
  path: PathSegment[];
}
export interface Origins {
  roles: Record<string, Origin>;
  documents: Record<string, Origin>;
  tools: Record<string, Origin>;
}

export interface NormalizeResult {
  workflow: Workflow;
  origins: Origins;
  issues: Issue[];
}

interface Loaded {
  files: Array<{ name: string; text: string }>;
  issues: Issue[];
}

export function normalize(source: SourceFile, file: WorkflowFile, fs: FileSystem): NormalizeResult {
  const baseDir = dirname(source.file);
  const loaded: Loaded = { files: [{ name: source.file, text: source.text }], issues: [] };
  const origins: Origins = { roles: {}, documents: {}, tools: {} };
  const rawRoles: Record<string, { value: RoleFile | string; origin: Origin }> = {};
  const rawDocuments: Record<
    string,
    { value: NonNullable<FragmentFile["documents"]>[string]; origin: Origin }
  > = {};
  const tools: Record<string, ToolSpec> = {};
  let defaults = file.defaults ?? {};

  // Thousands of steps may share one prompt file: each file is read (and its name joined) once,
  // but every use is recorded as before, so the file list and the hash stay the same.
  const reads = new Map<string, { name: string; result: ReadResult }>();
  const read = (from: SourceFile, relative: string): { name: string; result: ReadResult } => {
    const key = `${from.file}\0${relative}`;
    let entry = reads.get(key);
    if (entry === undefined) {
      const name = join(dirname(from.file), relative);
      entry = { name, result: fs.readText(name) };
      reads.set(key, entry);
    }
    return entry;
  };
  /** The file at `relative` to `from`, with its full name; undefined (and an issue) when unreadable. */
  const readTemplate = (
    from: SourceFile,
    path: PathSegment[],
    relative: string,
  ): PromptTemplate | undefined => {
    const { name, result } = read(from, relative);
    if ("error" in result) {
      loaded.issues.push(issueAt(from, path, codes.missingFile, `file '${relative}' ${result.error}`));
      return undefined;
    }
    loaded.files.push({ name, text: result.text });
    return { file: name, text: result.text };
  };
  const readRelative = (from: SourceFile, path: PathSegment[], relative: string): string | undefined =>
    readTemplate(from, path, relative)?.text;

  const declare = (from: SourceFile, section: FragmentFile, prefix: PathSegment[]): void => {
    for (const [id, value] of Object.entries(section.roles ?? {})) {
      const origin = { source: from, path: [...prefix, "roles", id] };
      if (rawRoles[id]) duplicate("role", id, origin, rawRoles[id].origin);
      else rawRoles[id] = { value, origin };
    }
    for (const [id, value] of Object.entries(section.documents ?? {})) {
      const origin = { source: from, path: [...prefix, "documents", id] };
      if (rawDocuments[id]) duplicate("document", id, origin, rawDocuments[id].origin);
      else rawDocuments[id] = { value, origin };
    }
    for (const [id, value] of Object.entries(section.tools ?? {})) {
      const origin = { source: from, path: [...prefix, "tools", id] };
      if (origins.tools[id]) duplicate("tool", id, origin, origins.tools[id]);
      else {
        origins.tools[id] = origin;
        tools[id] = { id, ...value };
      }
    }
  };
  const duplicate = (what: string, id: string, origin: Origin, first: Origin): void => {
    const where = first.source.locate(first.path, "key");
    const at = where ? `${first.source.file}:${where.start.line}` : first.source.file;
    loaded.issues.push(
      issueAt(origin.source, origin.path, codes.duplicateId, `${what} '${id}' is already declared at ${at}`, {
        part: "key",
      }),
    );
  };

  declare(source, file, []);
  (file.include ?? []).forEach((relative, index) => {
    const text = readRelative(source, ["include", index], relative);
    if (text === undefined) return;
    const parsed = parseSource(join(baseDir, relative), text);
    loaded.issues.push(...parsed.issues);
    if (parsed.issues.length > 0) return;
    const shape = zodIssues(parsed.source, FragmentSchema, parsed.source.value);
    loaded.issues.push(...shape);
    if (shape.length > 0) return;
    const fragment = parsed.source.value as FragmentFile;
    declare(parsed.source, fragment, []);
    if (fragment.defaults) defaults = { ...fragment.defaults, ...defaults };
  });

  const roles: Record<string, Role> = {};
  for (const [id, { value, origin }] of Object.entries(rawRoles)) {
    origins.roles[id] = origin;
    let roleFile: RoleFile | undefined;
    let roleSource = origin.source;
    let rolePath = origin.path;
    let fileName: string | undefined;
    if (typeof value === "string") {
      const text = readRelative(origin.source, origin.path, value);
      if (text === undefined) continue;
      const parsed = parseSource(join(dirname(origin.source.file), value), text);
      loaded.issues.push(...parsed.issues);
      if (parsed.issues.length > 0) continue;
      const shape = zodIssues(parsed.source, RoleSchema, parsed.source.value);
      loaded.issues.push(...shape);
      if (shape.length > 0) continue;
      roleFile = parsed.source.value as RoleFile;
      roleSource = parsed.source;
      rolePath = [];
      fileName = parsed.source.file;
    } else {
      roleFile = value;
    }
    let instructions = roleFile.instructions ?? "";
    if (roleFile.instructionsFile) {
      instructions =
        readRelative(roleSource, [...rolePath, "instructionsFile"], roleFile.instructionsFile) ??
        instructions;
    }
    roles[id] = {
      id,
      instructions,
      models: roleFile.models ?? [],
      tools: roleFile.tools ?? [],
      name: roleFile.name || undefined,
      routing: roleFile.routing || undefined,
      file: fileName,
    };
  }

  const documents: Record<string, DocumentType> = {};
  for (const [id, { value, origin }] of Object.entries(rawDocuments)) {
    origins.documents[id] = origin;
    const document: DocumentType = {
      id,
      format: value.format ?? (value.schema ? "json" : "markdown"),
      sensitive: value.sensitive ?? false,
      description: value.description || undefined,
      schemaFile: value.schema ? join(dirname(origin.source.file), value.schema) : undefined,
      schema: undefined,
      ...(value.context ? { context: { ...value.context } } : {}),
    };
    if (value.schema) {
      const text = readRelative(origin.source, [...origin.path, "schema"], value.schema);
      if (text !== undefined) {
        try {
          const schema = JSON.parse(text) as unknown;
          if (typeof schema !== "object" || schema === null || Array.isArray(schema))
            throw new Error("not an object");
          document.schema = schema as Record<string, unknown>;
        } catch (error) {
          loaded.issues.push(
            issueAt(
              origin.source,
              [...origin.path, "schema"],
              codes.invalidJsonSchema,
              `schema file '${value.schema}' is not a JSON object: ${(error as Error).message}`,
            ),
          );
        }
      }
    }
    documents[id] = document;
  }

  const inputs: Record<string, InputSpec> = {};
  for (const [id, input] of Object.entries(file.inputs ?? {})) {
    inputs[id] = {
      id,
      type: input.type,
      required: input.required ?? input.default === undefined,
      description: input.description || undefined,
      // A list default comes from YAML, so it is JSON data.
      default: input.default as InputSpec["default"],
      values: input.values,
    };
  }

  const loadPrompt = (path: PathSegment[], relative: string | undefined): PromptTemplate | undefined =>
    relative === undefined ? undefined : readTemplate(source, path, relative);

  const steps = file.steps.map((step, index) => normalizeStep(step, index, defaults, roles, loadPrompt));

  const hash = createHash("sha256");
  for (const { name, text } of loaded.files) hash.update(`${name}\0${text}\0`);

  const workflow: Workflow = {
    language: 1,
    name: file.name,
    version: file.version,
    description: file.description,
    source: { file: source.file, hash: hash.digest("hex"), files: loaded.files.map((f) => f.name) },
    inputs,
    roles,
    documents,
    tools,
    steps,
    ...(file.budget ? { budget: { usd: file.budget.usd, onExceed: file.budget.onExceed ?? "stop" } } : {}),
  };
  return { workflow, origins, issues: loaded.issues };
}
