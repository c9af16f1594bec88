/**
 * Print issues like a compiler: `file:line:col error QW014 message (path)`, then a code frame
 * with the offending span underlined. Colour only on a TTY (picocolors honours NO_COLOR).
 */
import pc from "picocolors";
import type { Issue } from "../../spec/index.js";

export type ReadText = (file: string) => string | undefined;

export function formatIssue(issue: Issue, readText: ReadText): string {
  const location = issue.start ? `${issue.file}:${issue.start.line}:${issue.start.column}` : issue.file;
  const severity = issue.severity === "error" ? pc.red(pc.bold("error")) : pc.yellow(pc.bold("warning"));
  const path = issue.path ? pc.dim(` (${issue.path})`) : "";
  const head = `${pc.bold(location)} ${severity} ${pc.dim(issue.code)} ${issue.message}${path}`;
  const frame = issue.start ? codeFrame(readText(issue.file), issue) : "";
  return frame ? `${head}\n${frame}` : head;
}

function codeFrame(text: string | undefined, issue: Issue): string {
  if (text === undefined || !issue.start) return "";
  const lines = text.split(/\r?\n/);
  const line = issue.start.line;
  if (line < 1 || line > lines.length) return "";
  const width = String(Math.min(lines.length, line + 1)).length;
  const out: string[] = [];
  for (let n = Math.max(1, line - 1); n <= Math.min(lines.length, line + 1); n++) {
    const gutter = `${n === line ? pc.red(">") : " "} ${String(n).padStart(width)} | `;
    out.push(`${gutter}${truncate(lines[n - 1] ?? "")}`);
    if (n === line) {
      const sameLine = issue.end && issue.end.line === line;
      const length = sameLine ? Math.max(1, issue.end!.column - issue.start.column) : 1;
      const pad = " ".repeat(width + 5 + issue.start.column - 1);
      out.push(`${pad}${pc.red("^".repeat(Math.min(length, 80)))}`);
    }
  }
  return out.join("\n");
}

const truncate = (line: string) => (line.length > 160 ? `${line.slice(0, 157)}...` : line);

export function summaryLine(issues: readonly Issue[]): string {
  const errors = issues.filter((i) => i.severity === "error").length;
  const warnings = issues.length - errors;
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${part(errors, "error")}, ${part(warnings, "warning")}`;
}
