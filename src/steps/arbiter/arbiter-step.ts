/**
 * `arbiter` steps (the seeds' coordinator): a model chooses the next route from the run's context;
 * the route's steps run, then the arbiter decides again, at most `maxDecisions` times. One
 * execution makes one decision and returns it; the runtime journals it as `arbiter-decision` and
 * the engine activates the route's steps, so every decision survives a crash and replays exactly.
 * In a `static` run the arbiter makes no call and every route's steps run once in plan order.
 */
import { renderTemplate } from "../../definition/index.js";
import type { ArbiterStep } from "../../spec/index.js";
import { lookupPath } from "../lookup.js";
import { maxRepairs } from "../model/model-step.js";
import { documentRequest, repairRequest } from "../model/request.js";
import type { StepContext, StepExecutor, StepOutcome } from "../types.js";
import { defaultDecisionSchema, readChoice } from "./choice.js";
import { lastReports, routeMenu, runContextText } from "./context.js";

export const arbiterStep: StepExecutor = {
  async execute(context: StepContext): Promise<StepOutcome> {
    const step = context.step;
    if (step.kind !== "arbiter") throw new Error("arbiter executor given another kind");
    const snapshot = context.runSnapshot();
    if (snapshot.routing === "static") return { type: "done", documents: {}, output: { routing: "static" } };
    const made = snapshot.decisions.filter((d) => d.stepId === step.id).length;
    if (made >= step.maxDecisions)
      return { type: "done", documents: {}, output: { decisions: made, stopped: "maxDecisions" } };

    const routes = Object.keys(step.routes);
    const outputId = step.outputs[0];
    const schema =
      (outputId ? context.workflow.documents[outputId]?.schema : undefined) ?? defaultDecisionSchema(routes);
    const request = documentRequest(
      context,
      await prompt(context, step),
      step.models,
      schema,
      outputId ?? "decision",
    );
    let current = request;
    let errors: string[] = [];
    for (let repair = 0; repair <= maxRepairs; repair++) {
      const response = await context.callModel(current);
      const choice = readChoice(response.text, routes, step.default, schema);
      if (choice.ok)
        return {
          type: "decided",
          route: choice.route,
          steps: [...step.routes[choice.route]!.steps],
          valid: choice.valid,
          ...(choice.choice !== undefined ? { choice: choice.choice } : {}),
          ...(choice.reason !== undefined ? { reason: choice.reason } : {}),
          documents: outputId ? { [outputId]: choice.document } : {},
          model: response.model,
        };
      errors = choice.errors;
      current = repairRequest(request, errors);
    }
    // Never stall on a model that cannot answer: take the default, keep the last good decision document.
    return {
      type: "decided",
      route: step.default,
      steps: [...step.routes[step.default]!.steps],
      valid: false,
      reason: `no usable answer after ${maxRepairs + 1} tries (${errors.slice(0, 3).join("; ")}); took the default '${step.default}'`,
      documents: {},
    };
  },
};

async function prompt(context: StepContext, step: ArbiterStep): Promise<string> {
  const runContext = runContextText(step, context.runSnapshot());
  const variables = await context.variables({
    feedback: await lastReports(context, step),
    routes: routeMenu(step),
    runContext,
  });
  const own = step.prompt
    ? renderTemplate(step.prompt.text, (path) => lookupPath(variables, path))
    : `Choose the next route for workflow '${context.workflow.name}'.`;
  return `${own}\n\n## Allowed routes\n\n${routeMenu(step)}\n\n## Run so far\n\n${runContext}\n\nAnswer with a JSON object whose \`route\` is one of: ${Object.keys(step.routes).join(", ")}.`;
}
