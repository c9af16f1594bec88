/**
 * Live progress on a terminal: one line per step (status, model, tokens, cost, elapsed), redrawn in
 * place at most ten times a second. Used only on a TTY; logs and pipes get plain lines instead.
 */
import pc from "picocolors";
import type { RunEvent } from "../../spec/index.js";

interface Row {
  status: "pending" | "running" | "done" | "skipped" | "failed" | "waiting" | "retrying";
  model?: string;
  tokens: number;
  costUsd: number;
  startedMs?: number;
  endedMs?: number;
  note?: string;
}

const icons: Record<Row["status"], string> = {
  pending: pc.dim("·"),
  running: pc.cyan("▶"),
  done: pc.green("✔"),
  skipped: pc.dim("○"),
  failed: pc.red("✖"),
  waiting: pc.magenta("?"),
  retrying: pc.yellow("↻"),
};

export function liveTree(
  stepIds: readonly string[],
  write: (text: string) => void,
  now: () => number = Date.now,
) {
  const rows = new Map<string, Row>(stepIds.map((id) => [id, { status: "pending", tokens: 0, costUsd: 0 }]));
  const width = Math.max(...stepIds.map((id) => id.length), 4);
  let drawnLines = 0;
  let timer: NodeJS.Timeout | undefined;

  const render = () => {
    timer = undefined;
    const lines = [...rows].map(([id, r]) => {
      const elapsedMs = r.startedMs === undefined ? 0 : (r.endedMs ?? now()) - r.startedMs;
      const detail = [
        r.model,
        r.tokens ? `${r.tokens} tok` : undefined,
        r.costUsd ? `$${r.costUsd.toFixed(4)}` : undefined,
        r.startedMs !== undefined ? `${(elapsedMs / 1000).toFixed(1)}s` : undefined,
        r.note,
      ].filter(Boolean);
      return `${icons[r.status]} ${id.padEnd(width)}  ${pc.dim(detail.join(" · "))}`;
    });
    const up = drawnLines > 0 ? `\x1b[${drawnLines}A` : "";
    write(`${up}${lines.map((l) => `\x1b[2K${l}`).join("\n")}\n`);
    drawnLines = lines.length;
  };
  const schedule = () => {
    timer ??= setTimeout(render, 100);
  };

  return {
    /** `atMs`: when it happened; a resumed run's journal is fed in first with its recorded times. */
    onEvent(_runId: string, event: RunEvent, atMs: number = now()): void {
      const row = "stepId" in event ? rows.get(event.stepId) : undefined;
      if (!row) return;
      switch (event.type) {
        case "step-start":
          row.status = "running";
          row.startedMs ??= atMs;
          row.endedMs = undefined;
          row.note = event.attempt > 1 ? `attempt ${event.attempt}` : undefined;
          break;
        case "model-call-end":
          row.model = event.model;
          row.tokens += (event.usage?.inputTokens ?? 0) + (event.usage?.outputTokens ?? 0);
          row.costUsd += event.costUsd ?? 0;
          break;
        case "step-end":
          row.status = "done";
          row.endedMs = atMs;
          break;
        case "step-skip":
          row.status = "skipped";
          row.note = event.reason;
          break;
        case "step-error":
          row.status = event.willRetry ? "retrying" : "failed";
          row.note = event.error.message.slice(0, 80);
          if (!event.willRetry) row.endedMs = atMs;
          break;
        case "human-input-request":
          row.status = "waiting";
          row.note = event.kind === "approval" ? "waits for approval" : "waits for an answer";
          break;
        case "remediation":
          row.note = `sent ${event.targets.join(", ")} back`;
          break;
        case "arbiter-decision":
          row.status = "pending";
          row.note = `decision ${event.decision}: ${event.route}${event.valid ? "" : " (default)"}`;
          break;
        default:
          return;
      }
      schedule();
    },
    /** Draw the final state now. */
    finish(): void {
      if (timer) clearTimeout(timer);
      render();
    },
  };
}
