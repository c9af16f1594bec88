/**
 * Normalized `Workflow` objects for tests, without YAML or files:
 * `workflow("demo").step(modelStep("a", { outputs: ["doc-a"] })).build()`.
 * Every required field gets the same default the loader would apply, so a test states only
 * what it is about; documents named by steps are declared automatically.
 */
import { createHash } from "node:crypto";
import type {
  AgentStep,
  ApprovalStep,
  ArbiterStep,
  CheckStep,
  DocumentType,
  EnsembleStep,
  GateStep,
  InputSpec,
  MapStep,
  ModelStep,
  Role,
  Step,
  StepCommon,
  ToolSpec,
  Workflow,
  WorkflowCallStep,
} from "../spec/index.js";

/** A step before `build()` numbers it. */
export type StepDraft<S extends Step = Step> = Omit<S, "index">;
/** What a test may override: anything but the id and kind. */
export type StepFields<S extends Step> = Partial<Omit<S, "id" | "kind" | "index">>;

const common = (id: string): Omit<StepCommon, "kind" | "index"> => ({
  id,
  inputs: [],
  outputs: [],
  needs: [],
  retries: 1,
  estimate: {},
});

export const modelStep = (id: string, fields: StepFields<ModelStep> = {}): StepDraft<ModelStep> => ({
  ...common(id),
  kind: "model",
  models: [],
  ...fields,
});
export const ensembleStep = (id: string, fields: StepFields<EnsembleStep> = {}): StepDraft<EnsembleStep> => ({
  ...common(id),
  kind: "ensemble",
  models: [],
  combine: { strategy: "first-valid" },
  ...fields,
});
export const gateStep = (id: string, fields: StepFields<GateStep> = {}): StepDraft<GateStep> => ({
  ...common(id),
  kind: "gate",
  checks: [{ type: "schema" }],
  remediate: [],
  maxRounds: 2,
  onExhausted: "fail",
  ...fields,
});
export const approvalStep = (id: string, fields: StepFields<ApprovalStep> = {}): StepDraft<ApprovalStep> => ({
  ...common(id),
  kind: "approval",
  approvers: [],
  onReject: "fail",
  ...fields,
});
export const checkStep = (id: string, fields: StepFields<CheckStep> = {}): StepDraft<CheckStep> => ({
  ...common(id),
  kind: "check",
  run: { command: ["true"], shell: false, env: [], expectExitCode: 0 },
  ...fields,
});
export const arbiterStep = (id: string, fields: StepFields<ArbiterStep> = {}): StepDraft<ArbiterStep> => ({
  ...common(id),
  kind: "arbiter",
  models: [],
  routes: { done: { steps: [] } },
  default: "done",
  maxDecisions: 10,
  ...fields,
});
export const mapStep = (id: string, fields: StepFields<MapStep> = {}): StepDraft<MapStep> => ({
  ...common(id),
  kind: "map",
  models: [],
  over: "documents.items",
  concurrency: 4,
  onItemError: "collect",
  ...fields,
});
export const workflowStep = (
  id: string,
  fields: StepFields<WorkflowCallStep> = {},
): StepDraft<WorkflowCallStep> => ({
  ...common(id),
  kind: "workflow",
  workflow: "child.workflow.yaml",
  with: {},
  ...fields,
});
export const agentStep = (id: string, fields: StepFields<AgentStep> = {}): StepDraft<AgentStep> => ({
  ...common(id),
  kind: "agent",
  models: [],
  tools: [],
  maxTurns: 10,
  ...fields,
});

/** An immutable builder: every method returns a new builder, so a base can be shared by tests. */
export interface WorkflowBuilder {
  step(...steps: StepDraft[]): WorkflowBuilder;
  role(id: string, fields?: Partial<Omit<Role, "id">>): WorkflowBuilder;
  document(id: string, fields?: Partial<Omit<DocumentType, "id">>): WorkflowBuilder;
  input(id: string, fields?: Partial<Omit<InputSpec, "id">>): WorkflowBuilder;
  tool(id: string, fields?: Partial<Omit<ToolSpec, "id">>): WorkflowBuilder;
  with(fields: Partial<Pick<Workflow, "version" | "description">>): WorkflowBuilder;
  build(): Workflow;
}

type State = Omit<Workflow, "source" | "steps"> & { steps: readonly StepDraft[] };

/** Starts a workflow named `name` with no steps. */
export function workflow(name: string): WorkflowBuilder {
  return builder({ language: 1, name, inputs: {}, roles: {}, documents: {}, tools: {}, steps: [] });
}

function builder(state: State): WorkflowBuilder {
  const next = (change: Partial<State>) => builder({ ...state, ...change });
  return {
    step: (...steps) => next({ steps: [...state.steps, ...steps] }),
    role: (id, fields = {}) =>
      next({ roles: { ...state.roles, [id]: { id, instructions: "", models: [], tools: [], ...fields } } }),
    document: (id, fields = {}) =>
      next({
        documents: { ...state.documents, [id]: { id, format: "markdown", sensitive: false, ...fields } },
      }),
    input: (id, fields = {}) =>
      next({ inputs: { ...state.inputs, [id]: { id, type: "string", required: true, ...fields } } }),
    tool: (id, fields = {}) => next({ tools: { ...state.tools, [id]: { id, ...fields } } }),
    with: (fields) => next(fields),
    build: () => build(state),
  };
}

function build(state: State): Workflow {
  const steps = state.steps.map((draft, index) => ({ ...draft, index }) as Step);
  const documents = { ...state.documents };
  for (const step of steps)
    for (const id of [...step.inputs, ...step.outputs])
      documents[id] ??= { id, format: "markdown", sensitive: false };
  const body = { ...state, documents, steps };
  const file = `${state.name}.workflow.yaml`;
  const hash = createHash("sha256").update(JSON.stringify(body)).digest("hex");
  return { ...body, source: { file, hash, files: [file] } };
}
