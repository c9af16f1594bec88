/**
 * `agent` steps: a model works with tools until it answers. Each turn asks the model (offering the
 * step's tools and the conversation so far); tool calls it makes run at once, their results go back
 * in the next turn; an answer without tool calls is the output document, validated like a `model`
 * step's (re-asked with the errors, at most `maxRepairs` times). Bounded by `maxTurns` and the step's
 * budget. Every turn and tool call goes through the journaling context, so a resumed attempt
 * replays recorded turns and tool results instead of repeating them. A dry run offers no tools (and
 * so starts no server): the stub answers at once with a schema-valid placeholder.
 */
import { renderTemplate } from "../../definition/index.js";
import { isStoreFailure } from "../../errors/index.js";
import type { AgentStep, ModelMessage, ModelRequest } from "../../spec/index.js";
import { lookupPath } from "../lookup.js";
import { maxRepairs } from "../model/model-step.js";
import { documentRequest } from "../model/request.js";
import { checkDocument } from "../model/structured.js";
import type { StepContext, StepExecutor, StepOutcome } from "../types.js";
import { runToolCalls } from "./run-tools.js";
import { type CatalogTool, modelTools, resolveTools } from "./tool-refs.js";

export const agentStep: StepExecutor = {
  async execute(context: StepContext): Promise<StepOutcome> {
    const step = context.step as AgentStep;
    if (!step.prompt) return fail("NoPrompt", `step '${step.id}' has no prompt`, false);
    const outputId = step.outputs[0]!;
    const schema = context.workflow.documents[outputId]?.schema;
    const variables = await context.variables({ feedback: context.feedback.join("\n\n") });
    const prompt = renderTemplate(step.prompt.text, (path) => lookupPath(variables, path));

    let catalog: CatalogTool[] = [];
    if (!context.dryRun) {
      try {
        catalog = await resolveTools(step.tools, (server) => context.listTools(server));
      } catch (error) {
        if (context.signal.aborted || isStoreFailure(error)) throw error;
        const err = error as Error & { isRetryable?: boolean };
        return fail(err.name || "ToolError", `step '${step.id}': ${err.message}`, err.isRetryable ?? false);
      }
    }
    const base: ModelRequest = {
      ...documentRequest(context, prompt, step.models, schema, outputId),
      ...(catalog.length > 0 ? { tools: modelTools(catalog) } : {}),
    };

    const messages: ModelMessage[] = [];
    let costUsd = 0;
    let toolCalls = 0;
    let repairs = 0;
    for (let turn = 1; turn <= step.maxTurns; turn++) {
      const response = await context.callModel(
        messages.length > 0 ? { ...base, messages: [...messages] } : base,
      );
      costUsd += response.costUsd ?? 0;
      if (step.budgetUsd !== undefined && costUsd > step.budgetUsd)
        return fail(
          "BudgetExceeded",
          `agent step '${step.id}' spent $${costUsd.toFixed(6)} after ${turn} turns, over its budget of $${step.budgetUsd}; raise budget: or lower maxTurns:`,
          false,
        );
      const calls = response.toolCalls ?? [];
      if (calls.length > 0 && catalog.length > 0) {
        messages.push({ role: "assistant", text: response.text, toolCalls: calls });
        try {
          messages.push(await runToolCalls(context, catalog, calls));
        } catch (error) {
          if (context.signal.aborted || isStoreFailure(error)) throw error;
          const err = error as Error & { isRetryable?: boolean };
          return fail(err.name || "ToolError", `step '${step.id}': ${err.message}`, err.isRetryable ?? true);
        }
        toolCalls += calls.length;
        continue;
      }
      const checked = checkDocument(response.text, schema);
      if (checked.ok)
        return {
          type: "done",
          documents: { [outputId]: checked.text },
          model: response.model,
          output: {
            model: response.model,
            turns: turn,
            toolCalls,
            repairs,
            ...(response.dryRun ? { dryRun: true } : {}),
          },
        };
      if (repairs >= maxRepairs)
        return fail(
          "InvalidDocument",
          `no valid document after ${maxRepairs + 1} answers: ${checked.errors.slice(0, 3).join("; ")}`,
          true,
        );
      repairs++;
      messages.push(
        { role: "assistant", text: response.text },
        {
          role: "user",
          text: `Your answer was rejected:\n${checked.errors
            .slice(0, 10)
            .map((e) => `- ${e}`)
            .join("\n")}\nAnswer again with JSON that satisfies the schema exactly.`,
        },
      );
    }
    return fail(
      "MaxTurnsExceeded",
      `agent step '${step.id}' used all ${step.maxTurns} turns (${toolCalls} tool calls) without a final answer; raise maxTurns: or make the prompt more direct`,
      false,
    );
  },
};

const fail = (name: string, message: string, retryable: boolean): StepOutcome => ({
  type: "failed",
  error: { name, message },
  retryable,
});
