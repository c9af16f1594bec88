/**
 * `quorum.config.yaml`: providers, models, prices, estimate defaults and tools shared by every
 * workflow in a project. API keys never live here; they come from the environment.
 */
import { z } from "zod";
import { Budget, Duration, Id, ModelRef, ToolFile } from "./workflow-file.js";

const Price = z.strictObject({
  input: z.number().nonnegative().describe("USD per million input tokens"),
  output: z.number().nonnegative().describe("USD per million output tokens"),
  cachedInput: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
  reasoning: z.number().nonnegative().optional(),
});

const EstimateDefaults = z.strictObject({
  duration: Duration.optional(),
  inputTokens: z.number().int().nonnegative().optional(),
  outputTokens: z.number().int().nonnegative().optional(),
});

const Limits = z
  .strictObject({
    rpm: z.number().int().positive().optional().describe("Requests per minute, per API key"),
    tpm: z.number().int().positive().optional().describe("Tokens (input + output) per minute, per API key"),
    rpd: z.number().int().positive().optional().describe("Requests per day, per API key"),
    maxConcurrent: z.number().int().positive().optional().describe("Attempts in flight at once"),
  })
  .describe("Limits the model layer keeps every key under instead of discovering them through 429s");

export const ConfigFile = z.strictObject({
  quorum: z.literal(1),
  providers: z
    .record(
      z.string().regex(/^[a-z][a-z0-9-]*$/),
      z.strictObject({
        preset: z.string().optional().describe("A built-in provider to start from, e.g. ollama."),
        baseURL: z.string().optional(),
        apiKeyEnv: z.string().optional(),
        local: z.boolean().optional(),
        limits: Limits.optional(),
        keyRotation: z.enum(["round-robin", "least-used", "sticky"]).optional(),
        streaming: z
          .boolean()
          .optional()
          .describe("false for a server that cannot stream answers; default true (time to first token)."),
      }),
    )
    .optional(),
  models: z
    .record(
      ModelRef,
      z.strictObject({
        contextWindow: z.number().int().positive().optional(),
        maxOutputTokens: z.number().int().positive().optional(),
        capabilities: z.array(z.enum(["json", "tools", "vision", "long-context"])).optional(),
        price: Price.optional(),
        estimate: EstimateDefaults.optional(),
        path: z
          .string()
          .min(1)
          .optional()
          .describe("GGUF file of a local/<name> model, relative to this config file."),
        limits: Limits.optional(),
      }),
    )
    .optional(),
  estimates: z
    .strictObject({
      default: EstimateDefaults.optional(),
      roles: z.record(Id, EstimateDefaults).optional(),
    })
    .optional(),
  tools: z.record(z.string(), ToolFile).optional(),
  budgets: z
    .strictObject({
      daily: Budget.optional().describe("Spend of every run in this project per UTC day, across processes."),
    })
    .optional(),
});

export type ConfigFile = z.infer<typeof ConfigFile>;
