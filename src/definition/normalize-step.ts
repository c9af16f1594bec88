/**
 * One step of a shape-valid file -> its normalized `Step`: defaults applied, durations in ms,
 * prompt templates loaded (through the caller, which records the files and their problems).
 *
 * Every object here has every field of its type, `undefined` where absent (JSON and `toEqual`
 * do not see those), in the order the fields were always written. Steps of one kind then share
 * one hidden class in V8, and what reads thousands of them (the rules, the planner) reads them as
 * fast as a JSON copy. Conditional spreads (`...(x ? { x } : {})`) gave each combination of
 * fields a class of its own, and so does any spread followed by new fields: a V8 clone does not
 * share its map transitions. So a step is its common literal plus its kind's literal, merged with
 * `Object.assign`, which adds the fields one by one along shared transitions.
 */
import { parseDurationMs } from "../spec/duration.js";
import type {
  GateCheckFile,
  GateCheckSpec,
  ModelCallFields,
  ModelStep,
  PromptTemplate,
  Role,
  Step,
  StepCommon,
  StepFile,
  WorkflowFile,
} from "../spec/index.js";
import type { PathSegment } from "./json-path.js";

/** Loads a prompt template named at `path` (relative to the workflow file); undefined when absent. */
export type PromptLoader = (path: PathSegment[], relative: string | undefined) => PromptTemplate | undefined;

type Defaults = NonNullable<WorkflowFile["defaults"]>;

export function normalizeStep(
  step: StepFile,
  index: number,
  defaults: Defaults,
  roles: Record<string, Role>,
  loadPrompt: PromptLoader,
): Step {
  const common = commonFields(step, index, defaults);
  const at = (...rest: PathSegment[]): PathSegment[] => ["steps", index, ...rest];
  const modelFields = (s: Extract<StepFile, { models?: string[] }>): ModelCallFields => {
    const role = s.role ? roles[s.role] : undefined;
    return {
      models: s.models ?? role?.models ?? defaults.models ?? [],
      role: s.role || undefined,
      prompt: loadPrompt(at("prompt"), s.prompt),
      routing: s.routing ?? role?.routing ?? defaults.routing,
      cacheTtlMs:
        s.cache === true
          ? 86_400_000
          : typeof s.cache === "object"
            ? parseDurationMs(s.cache.ttl)
            : undefined,
    };
  };
  switch (step.kind) {
    case "model":
      return Object.assign(common, modelFields(step), { kind: step.kind, ask: normalizeAsk(step.ask) });
    case "ensemble":
      return Object.assign(common, modelFields(step), { kind: step.kind, combine: { ...step.combine } });
    case "gate":
      return Object.assign(common, {
        kind: step.kind,
        checks: step.checks.map((check, i) => normalizeCheck(check, at("checks", i), loadPrompt)),
        remediate: step.remediate ?? [],
        maxRounds: step.maxRounds ?? 2,
        onExhausted: step.onExhausted ?? "fail",
        threshold: step.threshold,
      });
    case "approval":
      return Object.assign(common, {
        kind: step.kind,
        approvers: step.approvers ?? [],
        onReject: step.onReject ?? "fail",
        message: step.message || undefined,
        onTimeout: step.onTimeout || undefined,
      });
    case "check":
      return Object.assign(common, {
        kind: step.kind,
        run: step.run && {
          command: step.run.command,
          shell: step.run.shell ?? false,
          env: step.run.env ?? [],
          expectExitCode: step.run.expectExitCode ?? 0,
          cwd: step.run.cwd || undefined,
          expectOutput: step.run.expectOutput || undefined,
        },
        probe: step.probe && {
          url: step.probe.url,
          method: step.probe.method ?? "GET",
          expectStatus: step.probe.expectStatus ?? 200,
          expectBody: step.probe.expectBody || undefined,
        },
      });
    case "arbiter":
      return Object.assign(common, modelFields(step), {
        kind: step.kind,
        routes: Object.fromEntries(
          Object.entries(step.routes).map(([id, r]) => [
            id,
            { steps: r.steps ?? [], description: r.description || undefined },
          ]),
        ),
        default: step.default,
        maxDecisions: step.maxDecisions ?? 10,
      });
    case "map":
      return Object.assign(common, modelFields(step), {
        kind: step.kind,
        over: step.over,
        concurrency: step.concurrency ?? 4,
        onItemError: step.onItemError ?? "collect",
        ask: normalizeAsk(step.ask),
      });
    case "workflow":
      return Object.assign(common, { kind: step.kind, workflow: step.workflow, with: step.with ?? {} });
    case "agent": {
      const roleTools = step.role ? (roles[step.role]?.tools ?? []) : [];
      return Object.assign(common, modelFields(step), {
        kind: step.kind,
        tools: step.tools ?? roleTools,
        maxTurns: step.maxTurns ?? 10,
      });
    }
  }
}

function commonFields(step: StepFile, index: number, defaults: Defaults): StepCommon {
  const budget = step.budget ?? defaults.budget;
  const estimate = { ...defaults.estimate, ...step.estimate };
  const timeout = step.timeout ?? defaults.timeout;
  return {
    id: step.id,
    kind: step.kind,
    inputs: step.inputs ?? [],
    outputs: step.outputs ?? [],
    needs: step.needs ?? [],
    retries: step.retries ?? defaults.retries ?? 1,
    estimate: {
      durationMs: estimate.duration ? parseDurationMs(estimate.duration) : undefined,
      inputTokens: estimate.inputTokens,
      outputTokens: estimate.outputTokens,
      items: estimate.items,
    },
    index,
    name: step.name || undefined,
    description: step.description || undefined,
    when: step.when || undefined,
    timeoutMs: timeout ? parseDurationMs(timeout) : undefined,
    budgetUsd: budget?.usd,
    onBudgetExceed: budget?.onExceed || undefined,
  };
}

function normalizeAsk(ask: Extract<StepFile, { kind: "model" | "map" }>["ask"]): ModelStep["ask"] {
  if (ask === undefined || ask === false) return undefined;
  if (ask === true) return { maxRounds: 2, timeoutMs: undefined };
  return { maxRounds: ask.maxRounds ?? 2, timeoutMs: ask.timeout ? parseDurationMs(ask.timeout) : undefined };
}

function normalizeCheck(check: GateCheckFile, path: PathSegment[], loadPrompt: PromptLoader): GateCheckSpec {
  if ("schema" in check) return { type: "schema" };
  if ("requiredSections" in check) return { type: "required-sections", sections: check.requiredSections };
  if ("length" in check) return { type: "length", min: check.length.min, max: check.length.max };
  if ("assert" in check) return { type: "assert", expression: check.assert };
  if ("matches" in check)
    return { type: "matches", path: check.matches.path, pattern: check.matches.pattern };
  return {
    type: "judge",
    models: check.judge.models ?? [],
    rubric: check.judge.rubric ?? ["accuracy", "completeness", "consistency"],
    prompt: loadPrompt([...path, "judge", "prompt"], check.judge.prompt),
  };
}
