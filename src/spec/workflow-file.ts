/**
 * The workflow language, v1: the shape of a `workflow.yaml` file as a user writes it.
 *
 * This Zod schema is the single source of truth: the loader validates with it and
 * `npm run schema` turns it into `schema/workflow.schema.json` for editors. Every object is
 * strict, so a misspelt field is reported instead of silently ignored. The same field means
 * the same thing everywhere: `inputs` are the documents a step consumes, `outputs` the
 * documents it produces, `models` an ordered preference list, `timeout` a duration.
 */
import { z } from "zod";

/** `250ms`, `30s`, `5m`, `1h30m`, `2d`. */
export const durationPattern = /^(\d+(\.\d+)?(ms|s|m|h|d))+$/;
export const Duration = z
  .string()
  .regex(durationPattern, "a duration such as 250ms, 30s, 5m, 1h30m or 2d")
  .describe("A duration such as 250ms, 30s, 5m, 1h30m or 2d.");

/** Ids of steps, documents, roles and inputs: lower-case words joined by '-' or '_'. */
export const idPattern = /^[a-z][a-z0-9]*([_-][a-z0-9]+)*$/;
export const Id = z
  .string()
  .regex(
    idPattern,
    "lower-case letters, digits, '-' and '_', starting with a letter (e.g. requirements-doc)",
  );

/** `provider/model`, e.g. `openai/gpt-4o-mini`, `openrouter/meta-llama/llama-4-maverick`, `local/default`. */
export const ModelRef = z
  .string()
  .regex(/^[a-z][a-z0-9-]*\/\S+$/, "'provider/model', e.g. openai/gpt-4o-mini")
  .describe("A model as 'provider/model', e.g. openai/gpt-4o-mini or anthropic/claude-sonnet-4-5.");

export const Budget = z
  .strictObject({
    usd: z.number().positive().describe("Maximum spend in US dollars."),
    onExceed: z
      .enum(["stop", "downgrade", "ask"])
      .optional()
      .describe("stop the step, downgrade to a cheaper model, or ask a human for approval."),
  })
  .describe("A spending limit, reserved before each call and reconciled after.");

export const RoutingFile = z
  .strictObject({
    task: z
      .enum([
        "analysis",
        "writing",
        "coding",
        "reasoning",
        "review",
        "extraction",
        "classification",
        "general",
      ])
      .optional(),
    complexity: z.enum(["low", "medium", "high"]).optional(),
    privacy: z
      .enum(["public", "internal", "sensitive"])
      .optional()
      .describe("sensitive content is only ever sent to local models."),
    policy: z.enum(["cheapest-capable", "balanced", "best-quality", "fastest", "local-only"]).optional(),
    capabilities: z.array(z.enum(["json", "tools", "vision", "long-context"])).optional(),
  })
  .describe("Hints the router uses when no explicit model list is given.");

export const Estimate = z
  .strictObject({
    duration: Duration.optional(),
    inputTokens: z.number().int().nonnegative().optional(),
    outputTokens: z.number().int().nonnegative().optional(),
    items: z.number().int().positive().optional().describe("map steps: expected number of items"),
  })
  .describe("Planning hints: how long the step takes and how many tokens it uses.");

export const Ask = z
  .union([
    z.boolean(),
    z.strictObject({
      maxRounds: z.number().int().min(1).max(10).optional(),
      timeout: Duration.optional(),
    }),
  ])
  .describe("Allow the step to pause with clarification questions instead of its document.");

/** Fields every step kind shares. */
const stepBase = {
  id: Id.describe("Unique step id."),
  name: z.string().optional(),
  description: z.string().optional(),
  inputs: z.array(Id).optional().describe("Documents this step consumes."),
  outputs: z.array(Id).optional().describe("Documents this step produces."),
  needs: z.array(Id).optional().describe("Steps that must finish first, for ordering without a document."),
  when: z
    .string()
    .optional()
    .describe("Run only when this expression is true, e.g. inputs.audience == 'b2b'."),
  retries: z.number().int().min(0).max(20).optional(),
  timeout: Duration.optional(),
  budget: Budget.optional(),
  estimate: Estimate.optional(),
};

/** Fields of steps that call a model. */
const modelFields = {
  role: Id.optional().describe("Role whose instructions, models and tools the step uses."),
  prompt: z.string().optional().describe("Prompt template file, relative to the workflow file."),
  models: z.array(ModelRef).optional().describe("Models to use, in order of preference."),
  routing: RoutingFile.optional(),
  cache: z.union([z.boolean(), z.strictObject({ ttl: Duration })]).optional(),
};

export const ModelStepFile = z.strictObject({
  ...stepBase,
  ...modelFields,
  kind: z.literal("model"),
  ask: Ask.optional(),
});

export const EnsembleStepFile = z.strictObject({
  ...stepBase,
  ...modelFields,
  kind: z.literal("ensemble"),
  combine: z
    .strictObject({
      strategy: z.enum(["first-valid", "vote", "judge", "merge", "best-score"]),
      judge: ModelRef.optional().describe("Model that judges or merges (judge, merge)."),
      minSuccesses: z.number().int().min(1).optional().describe("k of n members that must succeed."),
    })
    .describe("How the members' answers become one document."),
});

export const GateCheckFile = z.union([
  z.strictObject({ schema: z.literal(true) }),
  z.strictObject({ requiredSections: z.array(z.string()).min(1) }),
  z.strictObject({
    length: z.strictObject({
      min: z.number().int().nonnegative().optional(),
      max: z.number().int().optional(),
    }),
  }),
  z.strictObject({ assert: z.string().describe("An expression over documents that must be true.") }),
  z.strictObject({ matches: z.strictObject({ path: z.string(), pattern: z.string() }) }),
  z.strictObject({
    judge: z.strictObject({
      models: z.array(ModelRef).optional(),
      rubric: z
        .array(z.string())
        .optional()
        .describe("Dimensions, e.g. accuracy, completeness, consistency."),
      prompt: z.string().optional(),
    }),
  }),
]);

export const GateStepFile = z.strictObject({
  ...stepBase,
  kind: z.literal("gate"),
  checks: z.array(GateCheckFile).min(1),
  threshold: z.number().min(0).max(1).optional().describe("Minimum quality score, 0..1."),
  remediate: z.array(Id).optional().describe("Upstream steps re-run with the gate's findings on failure."),
  maxRounds: z.number().int().min(1).max(10).optional(),
  onExhausted: z.enum(["fail", "approval"]).optional(),
});

export const ApprovalStepFile = z.strictObject({
  ...stepBase,
  kind: z.literal("approval"),
  message: z.string().optional().describe("What the approver is asked."),
  approvers: z.array(z.string()).optional(),
  onReject: z.union([z.literal("fail"), z.strictObject({ remediate: z.array(Id).min(1) })]).optional(),
  onTimeout: z.enum(["approve", "reject"]).optional(),
});

export const CheckStepFile = z.strictObject({
  ...stepBase,
  kind: z.literal("check"),
  run: z
    .strictObject({
      command: z.array(z.string()).min(1).describe("argv array; no shell unless shell: true."),
      shell: z.boolean().optional(),
      cwd: z.string().optional(),
      env: z.array(z.string()).optional().describe("Environment variables passed through (allow-list)."),
      expectExitCode: z.number().int().optional(),
      expectOutput: z.string().optional().describe("A regular expression the output must match."),
    })
    .optional(),
  probe: z
    .strictObject({
      url: z.string(),
      method: z.enum(["GET", "HEAD", "POST"]).optional(),
      expectStatus: z.number().int().optional(),
      expectBody: z.string().optional(),
    })
    .optional(),
});

export const ArbiterStepFile = z.strictObject({
  ...stepBase,
  ...modelFields,
  kind: z.literal("arbiter"),
  routes: z
    .record(
      Id,
      z.strictObject({
        description: z.string().optional(),
        steps: z.array(Id).optional().describe("Steps the route runs; none ends the loop."),
      }),
    )
    .describe("The actions the arbiter may choose."),
  default: Id.describe("Route taken when the model's choice is unknown or invalid."),
  maxDecisions: z.number().int().min(1).max(100).optional(),
});

export const MapStepFile = z.strictObject({
  ...stepBase,
  ...modelFields,
  kind: z.literal("map"),
  over: z.string().describe("An array in a consumed document, e.g. documents.backlog.items."),
  concurrency: z.number().int().min(1).max(1000).optional(),
  onItemError: z.enum(["collect", "fail-fast", "skip"]).optional(),
  ask: Ask.optional().describe(
    "Allow each item to pause with clarification questions; the run waits until every asking item is answered.",
  ),
});

export const WorkflowStepFile = z.strictObject({
  ...stepBase,
  kind: z.literal("workflow"),
  workflow: z.string().describe("Path to the workflow file to run as a child run."),
  with: z.record(z.string(), z.string()).optional().describe("Child inputs: name -> template."),
});

export const AgentStepFile = z.strictObject({
  ...stepBase,
  ...modelFields,
  kind: z.literal("agent"),
  tools: z.array(z.string()).optional().describe("Tools the agent may call."),
  maxTurns: z.number().int().min(1).max(200).optional(),
});

export const stepKinds = [
  "model",
  "ensemble",
  "gate",
  "approval",
  "check",
  "arbiter",
  "map",
  "workflow",
  "agent",
] as const;
export type StepKind = (typeof stepKinds)[number];

export const stepSchemas = {
  model: ModelStepFile,
  ensemble: EnsembleStepFile,
  gate: GateStepFile,
  approval: ApprovalStepFile,
  check: CheckStepFile,
  arbiter: ArbiterStepFile,
  map: MapStepFile,
  workflow: WorkflowStepFile,
  agent: AgentStepFile,
} as const satisfies Record<StepKind, z.ZodType>;

export const StepFile = z.discriminatedUnion("kind", [
  ModelStepFile,
  EnsembleStepFile,
  GateStepFile,
  ApprovalStepFile,
  CheckStepFile,
  ArbiterStepFile,
  MapStepFile,
  WorkflowStepFile,
  AgentStepFile,
]);

export const InputFile = z.strictObject({
  type: z
    .enum(["string", "number", "boolean", "enum", "file", "list"])
    .describe("`list`: a JSON array (`--input name=@items.json`), which a `map` step can go over."),
  description: z.string().optional(),
  required: z.boolean().optional(),
  default: z.union([z.string(), z.number(), z.boolean(), z.array(z.unknown())]).optional(),
  values: z.array(z.string()).optional().describe("Allowed values of an enum input."),
});

export const RoleFile = z.strictObject({
  name: z.string().optional(),
  instructions: z.string().optional().describe("System instructions, inline."),
  instructionsFile: z.string().optional().describe("System instructions from a file."),
  models: z.array(ModelRef).optional(),
  routing: RoutingFile.optional(),
  tools: z.array(z.string()).optional(),
});

export const DocumentFile = z.strictObject({
  schema: z.string().optional().describe("JSON Schema file the document must satisfy."),
  description: z.string().optional(),
  format: z.enum(["json", "markdown", "text"]).optional(),
  sensitive: z.boolean().optional().describe("Content may only be sent to local models."),
  context: z
    .strictObject({
      policy: z
        .enum(["full", "truncate", "summarise"])
        .describe(
          "full: always whole; truncate: cut to maxTokens; summarise: condensed by a model call when the prompt does not fit the model's window.",
        ),
      maxTokens: z
        .number()
        .int()
        .positive()
        .optional()
        .describe("truncate: most tokens of it a prompt gets."),
      summariseWith: z
        .array(ModelRef)
        .min(1)
        .optional()
        .describe(
          "summarise: models that write the summary, in order (default: the cheapest capable model).",
        ),
    })
    .optional()
    .describe("How much of this document a prompt that consumes it receives."),
});

export const ToolFile = z.strictObject({
  description: z.string().optional(),
  mcp: z
    .strictObject({
      command: z.array(z.string()).min(1).optional(),
      url: z.string().optional(),
      tools: z.array(z.string()).optional().describe("Tool names the server exposes (checked before a run)."),
    })
    .optional(),
});

export const Defaults = z.strictObject({
  models: z.array(ModelRef).optional(),
  routing: RoutingFile.optional(),
  retries: z.number().int().min(0).max(20).optional(),
  timeout: Duration.optional(),
  budget: Budget.optional(),
  estimate: Estimate.optional(),
});

/** A fragment pulled in with `include:`; it may declare shared roles, documents, tools and defaults. */
export const FragmentFile = z.strictObject({
  roles: z.record(Id, z.union([RoleFile, z.string()])).optional(),
  documents: z.record(Id, DocumentFile).optional(),
  tools: z.record(z.string(), ToolFile).optional(),
  defaults: Defaults.optional(),
});

export const WorkflowFile = z.strictObject({
  quorum: z.literal(1).describe("Version of the workflow language."),
  name: Id,
  version: z.string().optional(),
  description: z.string().optional(),
  include: z
    .array(z.string())
    .optional()
    .describe("Fragment files with shared roles, documents, tools, defaults."),
  inputs: z.record(Id, InputFile).optional().describe("Typed inputs given when the run starts."),
  roles: z
    .record(Id, z.union([RoleFile, z.string()]))
    .optional()
    .describe("Roles, inline or as a path to a role file."),
  documents: z.record(Id, DocumentFile).optional().describe("Document types and their schemas."),
  tools: z.record(z.string(), ToolFile).optional(),
  defaults: Defaults.optional(),
  budget: Budget.optional().describe("A limit on the whole run's spend (every step, retry and failure)."),
  steps: z.array(StepFile).min(1),
});

export type WorkflowFile = z.infer<typeof WorkflowFile>;
export type StepFile = z.infer<typeof StepFile>;
export type RoleFile = z.infer<typeof RoleFile>;
export type DocumentFile = z.infer<typeof DocumentFile>;
export type InputFile = z.infer<typeof InputFile>;
export type FragmentFile = z.infer<typeof FragmentFile>;
export type GateCheckFile = z.infer<typeof GateCheckFile>;
export type RoutingFile = z.infer<typeof RoutingFile>;
export type Routing = RoutingFile;
