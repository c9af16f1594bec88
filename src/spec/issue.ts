/**
 * A problem found in a user's file. Validation never throws on user error: it returns every
 * issue it can find in one pass, each pointing at file, line, column and JSON path like a compiler.
 */
export type Severity = "error" | "warning";

export interface SourcePosition {
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

export interface Issue {
  /** Stable code, e.g. `QW012`; documented in docs/validation.md. */
  code: string;
  severity: Severity;
  /** What is wrong and how to fix it, e.g. "unknown document 'requirement-doc'; did you mean 'requirements-doc'?". */
  message: string;
  /** File the issue is in, as given to the loader (relative paths stay relative). */
  file: string;
  /** JSON path inside the file, e.g. `steps[3].outputs[0]`; empty for the whole file. */
  path: string;
  start?: SourcePosition;
  end?: SourcePosition;
}

export const hasErrors = (issues: readonly Issue[]): boolean => issues.some((i) => i.severity === "error");
