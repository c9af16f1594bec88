/**
 * `workflow` steps: run a sub-workflow as a child run in the same store and wait for it. `with`
 * templates become the child's inputs; the child's documents named in the step's `outputs` become
 * the step's documents (validated and versioned in the parent like any other). A failed child
 * fails the attempt (retryable: a retry starts a fresh child); a cancelled child fails the step; a
 * child waiting for a person makes the step (and, when nothing else can run, the parent run) wait.
 */
import { renderTemplate } from "../../definition/index.js";
import type { JsonValue } from "../../spec/index.js";
import { lookupPath } from "../lookup.js";
import type { StepContext, StepExecutor, StepOutcome } from "../types.js";

export const workflowStep: StepExecutor = {
  async execute(context: StepContext): Promise<StepOutcome> {
    const step = context.step;
    if (step.kind !== "workflow") throw new Error("workflow executor given another kind");
    const variables = await context.variables();
    const inputs: Record<string, JsonValue> = {};
    for (const [name, template] of Object.entries(step.with))
      inputs[name] = renderTemplate(template, (path) => lookupPath(variables, path));
    const child = await context.runChild(inputs);
    switch (child.type) {
      case "succeeded": {
        const missing = step.outputs.filter((id) => child.documents[id] === undefined);
        if (missing.length > 0)
          return failed(
            "MissingDocument",
            `child run ${child.runId} (${step.workflow}) succeeded without document(s) ${missing.join(", ")}; a workflow step's outputs must be documents its sub-workflow produces`,
            false,
          );
        return {
          type: "done",
          documents: Object.fromEntries(step.outputs.map((id) => [id, child.documents[id]!])),
          output: { childRunId: child.runId, status: "succeeded" },
        };
      }
      case "failed":
        return failed(
          "ChildRunFailed",
          `child run ${child.runId} (${step.workflow}) failed: ${child.reason ?? "unknown error"}`,
          // A person's rejection is an answer, not a fault: a retry would only ask them again.
          child.rejected !== true,
        );
      case "cancelled":
        return failed(
          "ChildRunCancelled",
          `child run ${child.runId} (${step.workflow}) was cancelled`,
          false,
        );
      case "waiting":
        // The child waits for a person; the step waits with it and runs again (same attempt, same
        // child) once the child is answered.
        return { type: "waiting" };
      case "invalid":
        return failed(
          "ChildRunInputs",
          `step '${step.id}' cannot start ${step.workflow}: ${child.problems.join("; ")}; fix its 'with:' inputs`,
          false,
        );
    }
  },
};

const failed = (name: string, message: string, retryable: boolean): StepOutcome => ({
  type: "failed",
  error: { name, message },
  retryable,
});
