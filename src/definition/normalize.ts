/**
 * Step three of loading: a shape-valid file -> the normalized `Workflow`. Pulls in fragments,
 * role files, prompt templates and JSON Schemas; applies defaults; converts durations to ms.
 * Problems with referenced files become issues; nothing here throws on user error.
 */
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { parseDurationMs } from "../spec/duration.js";
import type {
  DocumentType,
  FragmentFile,
  GateCheckFile,
  GateCheckSpec,
  InputSpec,
  Issue,
  PromptTemplate,
  Role,
  RoleFile,
  Step,
  StepCommon,
  StepFile,
  ToolSpec,
  Workflow,
  WorkflowFile,
} from "../spec/index.js";
import { FragmentFile as FragmentSchema, RoleFile as RoleSchema } from "../spec/index.js";
import { codes } from "./codes.js";
import type { FileSystem } from "./file-system.js";
import type { PathSegment } from "./json-path.js";
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

  const readRelative = (from: SourceFile, path: PathSegment[], relative: string): string | undefined => {
    const full = join(dirname(from.file), relative);
    const result = fs.readText(full);
    if ("error" in result) {
      loaded.issues.push(issueAt(from, path, codes.missingFile, `file '${relative}' ${result.error}`));
      return undefined;
    }
    loaded.files.push({ name: full, text: result.text });
    return result.text;
  };

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
      ...(roleFile.name ? { name: roleFile.name } : {}),
      ...(roleFile.routing ? { routing: roleFile.routing } : {}),
      ...(fileName ? { file: fileName } : {}),
    };
  }

  const documents: Record<string, DocumentType> = {};
  for (const [id, { value, origin }] of Object.entries(rawDocuments)) {
    origins.documents[id] = origin;
    const document: DocumentType = {
      id,
      format: value.format ?? (value.schema ? "json" : "markdown"),
      sensitive: value.sensitive ?? false,
      ...(value.description ? { description: value.description } : {}),
    };
    if (value.schema) {
      document.schemaFile = join(dirname(origin.source.file), value.schema);
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
      ...(input.description ? { description: input.description } : {}),
      ...(input.default !== undefined ? { default: input.default } : {}),
      ...(input.values ? { values: input.values } : {}),
    };
  }

  const loadPrompt = (path: PathSegment[], relative: string | undefined): PromptTemplate | undefined => {
    if (relative === undefined) return undefined;
    const text = readRelative(source, path, relative);
    return text === undefined ? undefined : { file: join(baseDir, relative), text };
  };

  const steps = file.steps.map((step, index) => normalizeStep(step, index, defaults, roles, loadPrompt));

  const hash = createHash("sha256");
  for (const { name, text } of loaded.files) hash.update(`${name}\0${text}\0`);

  const workflow: Workflow = {
    language: 1,
    name: file.name,
    ...(file.version !== undefined ? { version: file.version } : {}),
    ...(file.description !== undefined ? { description: file.description } : {}),
    source: { file: source.file, hash: hash.digest("hex"), files: loaded.files.map((f) => f.name) },
    inputs,
    roles,
    documents,
    tools,
    steps,
  };
  return { workflow, origins, issues: loaded.issues };
}

type PromptLoader = (path: PathSegment[], relative: string | undefined) => PromptTemplate | undefined;

function normalizeStep(
  step: StepFile,
  index: number,
  defaults: NonNullable<WorkflowFile["defaults"]>,
  roles: Record<string, Role>,
  loadPrompt: PromptLoader,
): Step {
  const budget = step.budget ?? defaults.budget;
  const estimate = { ...defaults.estimate, ...step.estimate };
  const timeout = step.timeout ?? defaults.timeout;
  const common: StepCommon = {
    id: step.id,
    kind: step.kind,
    inputs: step.inputs ?? [],
    outputs: step.outputs ?? [],
    needs: step.needs ?? [],
    retries: step.retries ?? defaults.retries ?? 1,
    estimate: {
      ...(estimate.duration ? { durationMs: parseDurationMs(estimate.duration) } : {}),
      ...(estimate.inputTokens !== undefined ? { inputTokens: estimate.inputTokens } : {}),
      ...(estimate.outputTokens !== undefined ? { outputTokens: estimate.outputTokens } : {}),
      ...(estimate.items !== undefined ? { items: estimate.items } : {}),
    },
    index,
    ...(step.name ? { name: step.name } : {}),
    ...(step.description ? { description: step.description } : {}),
    ...(step.when ? { when: step.when } : {}),
    ...(timeout ? { timeoutMs: parseDurationMs(timeout) } : {}),
    ...(budget
      ? { budgetUsd: budget.usd, ...(budget.onExceed ? { onBudgetExceed: budget.onExceed } : {}) }
      : {}),
  };
  const at = (...rest: PathSegment[]): PathSegment[] => ["steps", index, ...rest];
  const modelFields = (s: Extract<StepFile, { models?: string[] }>) => {
    const role = s.role ? roles[s.role] : undefined;
    const routing = s.routing ?? role?.routing ?? defaults.routing;
    const prompt = loadPrompt(at("prompt"), s.prompt);
    const cacheTtlMs =
      s.cache === true ? 86_400_000 : typeof s.cache === "object" ? parseDurationMs(s.cache.ttl) : undefined;
    return {
      models: s.models ?? role?.models ?? defaults.models ?? [],
      ...(s.role ? { role: s.role } : {}),
      ...(prompt ? { prompt } : {}),
      ...(routing ? { routing } : {}),
      ...(cacheTtlMs !== undefined ? { cacheTtlMs } : {}),
    };
  };
  switch (step.kind) {
    case "model": {
      const ask =
        step.ask === undefined || step.ask === false
          ? undefined
          : step.ask === true
            ? { maxRounds: 2 }
            : {
                maxRounds: step.ask.maxRounds ?? 2,
                ...(step.ask.timeout ? { timeoutMs: parseDurationMs(step.ask.timeout) } : {}),
              };
      return { ...common, kind: "model", ...modelFields(step), ...(ask ? { ask } : {}) };
    }
    case "ensemble":
      return { ...common, kind: "ensemble", ...modelFields(step), combine: { ...step.combine } };
    case "gate":
      return {
        ...common,
        kind: "gate",
        checks: step.checks.map((check, i) => normalizeCheck(check, at("checks", i), loadPrompt)),
        remediate: step.remediate ?? [],
        maxRounds: step.maxRounds ?? 2,
        onExhausted: step.onExhausted ?? "fail",
        ...(step.threshold !== undefined ? { threshold: step.threshold } : {}),
      };
    case "approval":
      return {
        ...common,
        kind: "approval",
        approvers: step.approvers ?? [],
        onReject: step.onReject ?? "fail",
        ...(step.message ? { message: step.message } : {}),
        ...(step.onTimeout ? { onTimeout: step.onTimeout } : {}),
      };
    case "check":
      return {
        ...common,
        kind: "check",
        ...(step.run
          ? {
              run: {
                command: step.run.command,
                shell: step.run.shell ?? false,
                env: step.run.env ?? [],
                expectExitCode: step.run.expectExitCode ?? 0,
                ...(step.run.cwd ? { cwd: step.run.cwd } : {}),
                ...(step.run.expectOutput ? { expectOutput: step.run.expectOutput } : {}),
              },
            }
          : {}),
        ...(step.probe
          ? {
              probe: {
                url: step.probe.url,
                method: step.probe.method ?? "GET",
                expectStatus: step.probe.expectStatus ?? 200,
                ...(step.probe.expectBody ? { expectBody: step.probe.expectBody } : {}),
              },
            }
          : {}),
      };
    case "arbiter":
      return {
        ...common,
        kind: "arbiter",
        ...modelFields(step),
        routes: Object.fromEntries(
          Object.entries(step.routes).map(([id, r]) => [
            id,
            { steps: r.steps ?? [], ...(r.description ? { description: r.description } : {}) },
          ]),
        ),
        default: step.default,
        maxDecisions: step.maxDecisions ?? 10,
      };
    case "map":
      return {
        ...common,
        kind: "map",
        ...modelFields(step),
        over: step.over,
        concurrency: step.concurrency ?? 4,
        onItemError: step.onItemError ?? "collect",
      };
    case "workflow":
      return { ...common, kind: "workflow", workflow: step.workflow, with: step.with ?? {} };
    case "agent": {
      const fields = modelFields(step);
      const roleTools = step.role ? (roles[step.role]?.tools ?? []) : [];
      return {
        ...common,
        kind: "agent",
        ...fields,
        tools: step.tools ?? roleTools,
        maxTurns: step.maxTurns ?? 10,
      };
    }
  }
}

function normalizeCheck(check: GateCheckFile, path: PathSegment[], loadPrompt: PromptLoader): GateCheckSpec {
  if ("schema" in check) return { type: "schema" };
  if ("requiredSections" in check) return { type: "required-sections", sections: check.requiredSections };
  if ("length" in check)
    return {
      type: "length",
      ...(check.length.min !== undefined ? { min: check.length.min } : {}),
      ...(check.length.max !== undefined ? { max: check.length.max } : {}),
    };
  if ("assert" in check) return { type: "assert", expression: check.assert };
  if ("matches" in check)
    return { type: "matches", path: check.matches.path, pattern: check.matches.pattern };
  const prompt = loadPrompt([...path, "judge", "prompt"], check.judge.prompt);
  return {
    type: "judge",
    models: check.judge.models ?? [],
    rubric: check.judge.rubric ?? ["accuracy", "completeness", "consistency"],
    ...(prompt ? { prompt } : {}),
  };
}
