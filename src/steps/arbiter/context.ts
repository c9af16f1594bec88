/**
 * What an arbiter is shown besides its own prompt: the routes it may take, where every step of
 * the run stands (pending, completed, failed) and its recent decisions — the seeds' coordinator
 * context — plus the reports of the steps its last decision ran, as `{{ feedback }}`.
 */
import type { ArbiterStep } from "../../spec/index.js";
import type { RunSnapshot, StepContext } from "../types.js";

/** Decisions shown to the model: the seeds' coordinator looks at the last ten. */
export const recentDecisionCount = 10;

export function routeMenu(step: ArbiterStep): string {
  return Object.entries(step.routes)
    .map(([id, r]) => {
      const runs = r.steps.length > 0 ? ` (runs: ${r.steps.join(", ")})` : " (ends the loop)";
      return `- \`${id}\`${r.description ? `: ${r.description}` : ""}${runs}`;
    })
    .join("\n");
}

export function runContextText(step: ArbiterStep, snapshot: RunSnapshot): string {
  const others = snapshot.steps.filter((s) => s.id !== step.id);
  const list = (status: string) =>
    others
      .filter((s) => s.status === status)
      .map((s) => (s.error ? `${s.id} (${s.error})` : s.id))
      .join(", ") || "none";
  const mine = snapshot.decisions.filter((d) => d.stepId === step.id);
  const recent = mine
    .slice(-recentDecisionCount)
    .map(
      (d) => `${d.decision}. ${d.route}${d.valid ? "" : ` (default; the answer was ${d.choice ?? "empty"})`}`,
    )
    .join("\n");
  return [
    `Completed steps: ${list("succeeded")}`,
    `Failed steps: ${list("failed")}`,
    `Pending steps: ${list("pending")}`,
    `Decisions so far (${mine.length} of at most ${step.maxDecisions}):\n${recent || "none"}`,
  ].join("\n");
}

/** The documents written by the steps of this arbiter's last decision, as text for the prompt. */
export async function lastReports(context: StepContext, step: ArbiterStep): Promise<string> {
  const snapshot = context.runSnapshot();
  const last = snapshot.decisions.filter((d) => d.stepId === step.id).at(-1);
  if (!last) return "";
  const parts: string[] = [];
  for (const id of last.steps) {
    const producer = context.workflow.steps.find((s) => s.id === id);
    for (const documentId of producer?.outputs ?? []) {
      const doc = await context.readDocument(documentId);
      if (doc) parts.push(`### ${id}: ${documentId} (version ${doc.version})\n\n${doc.content}`);
    }
  }
  return parts.join("\n\n");
}
