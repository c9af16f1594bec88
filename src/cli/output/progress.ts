/**
 * Live progress of a run as plain lines: one per step start, end, skip, error, wait and the run's
 * end, with model, tokens, cost and elapsed time. Plain text on every terminal and in CI logs.
 */
import pc from "picocolors";
import type { RunEvent } from "../../spec/index.js";

export function progressPrinter(print: (line: string) => void, now: () => number = Date.now) {
  const own = eventPrinter(print, now);
  const children = new Map<string, ReturnType<typeof eventPrinter>>();
  let root: string | undefined;
  // A `workflow` step's child run (id `<parent>.<step>.r<round>a<attempt>`) prints indented under it.
  const printerOf = (runId: string): ReturnType<typeof eventPrinter> => {
    root ??= runId;
    if (runId === root || !runId.startsWith(`${root}.`)) return own;
    let child = children.get(runId);
    if (!child) {
      const label = runId.slice(root.length + 1);
      child = eventPrinter((line) => print(`  ${pc.dim(`${label} ›`)} ${line}`), now);
      children.set(runId, child);
    }
    return child;
  };
  const printer = (runId: string, event: RunEvent): void => printerOf(runId)(event);
  /**
   * Steps in flight when the run stopped, going on in this drive (`RuntimeDeps.onDriveStart`): printed
   * as resumed and timed from now, since no new `step-start` comes for them.
   */
  const resume = (runId: string, steps: ReadonlyArray<{ stepId: string; attempt: number }>): void => {
    const printStep = printerOf(runId);
    for (const { stepId, attempt } of steps) printStep({ type: "step-start", stepId, attempt }, "resumed");
  };
  return Object.assign(printer, { resume });
}

function eventPrinter(print: (line: string) => void, now: () => number) {
  const started = new Map<string, number>();
  const calls = new Map<string, { tokens: number; costUsd: number; model?: string }>();
  return (event: RunEvent, note?: "resumed"): void => {
    switch (event.type) {
      case "step-start": {
        started.set(event.stepId, now());
        const notes = [...(event.attempt > 1 ? [`attempt ${event.attempt}`] : []), ...(note ? [note] : [])];
        print(`${pc.cyan("▶")} ${event.stepId}${notes.length > 0 ? pc.dim(` (${notes.join("; ")})`) : ""}`);
        return;
      }
      case "model-call-end": {
        const c = calls.get(event.stepId) ?? { tokens: 0, costUsd: 0 };
        c.tokens += (event.usage?.inputTokens ?? 0) + (event.usage?.outputTokens ?? 0);
        c.costUsd += event.costUsd ?? 0;
        c.model = event.model;
        calls.set(event.stepId, c);
        if (event.outcome === "error")
          print(`  ${pc.yellow("!")} ${event.stepId}: ${event.model} failed: ${event.error?.message}`);
        return;
      }
      case "step-end": {
        const c = calls.get(event.stepId);
        const elapsed = ((now() - (started.get(event.stepId) ?? now())) / 1000).toFixed(1);
        const detail = c ? ` ${c.model} · ${c.tokens} tokens · $${c.costUsd.toFixed(4)}` : "";
        print(`${pc.green("✔")} ${event.stepId}${pc.dim(`${detail} · ${elapsed}s`)}`);
        calls.delete(event.stepId);
        return;
      }
      case "step-skip":
        print(`${pc.dim("○")} ${event.stepId} ${pc.dim(`skipped: ${event.reason}`)}`);
        return;
      case "step-error":
        print(
          `${pc.red("✖")} ${event.stepId}: ${event.error.message}${event.willRetry ? pc.dim(" (will retry)") : ""}`,
        );
        return;
      case "remediation":
        print(`${pc.yellow("↺")} ${event.stepId} sends ${event.targets.join(", ")} back for another round`);
        return;
      case "budget-downgrade":
        print(
          `${pc.yellow("$")} ${event.stepId} downgraded to ${event.toModels.join(", ")}: ${event.reason}`,
        );
        return;
      case "arbiter-decision":
        print(
          `${pc.cyan("◆")} ${event.stepId} decision ${event.decision}: ${event.route}${event.valid ? "" : pc.yellow(` (default; ${event.reason ?? "invalid answer"})`)}`,
        );
        return;
      case "human-input-request":
        print(
          `${pc.magenta("?")} ${event.stepId} waits for ${event.kind === "approval" ? "an approval" : "an answer"}:\n${indent(event.prompt)}`,
        );
        return;
      case "child-run-wait":
        print(
          `${pc.magenta("?")} ${event.stepId} waits with its child run ${event.childRunId} (see 'quorum inbox')`,
        );
        return;
      default:
        return;
    }
  };
}

const indent = (text: string) =>
  text
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
