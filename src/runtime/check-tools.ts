/**
 * Before a run starts: every tool its agent steps name is offered by its server. This starts each
 * server once (the host keeps it for the run), so a typo or a server that does not start stops the
 * run at `quorum run` with one clear message instead of failing a step halfway through.
 * Dry runs skip it: they never start tool servers.
 */
import type { Workflow } from "../spec/index.js";
import { resolveTools } from "../steps/index.js";
import { WorkflowNotRunnableError } from "./errors.js";
import { toolServer } from "./tool-calls.js";
import type { RuntimeDeps } from "./types.js";

export async function checkAgentTools(workflow: Workflow, deps: RuntimeDeps): Promise<void> {
  const agents = workflow.steps.filter((s) => s.kind === "agent");
  if (agents.length === 0) return;
  const host = deps.tools;
  if (!host)
    throw new WorkflowNotRunnableError(
      `steps ${agents.map((s) => `'${s.id}'`).join(", ")} are agent steps, but this runtime has no tool host to run their tools`,
    );
  const problems: string[] = [];
  for (const step of agents) {
    try {
      await resolveTools(step.tools, (server) => host.listTools(toolServer({ workflow, deps }, server)));
    } catch (error) {
      problems.push(`agent step '${step.id}': ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new WorkflowNotRunnableError(problems.join("\n"));
}
