/**
 * Step one of loading: text -> plain data, keeping enough of the YAML tree to point any JSON
 * path back at a line and column. JSON files go through the same parser (YAML 1.2 is a superset).
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Issue, SourcePosition } from "../spec/index.js";
import { codes } from "./codes.js";
import type { PathSegment } from "./json-path.js";
import { formatPath } from "./json-path.js";

/** Files larger than this are refused before parsing: workflow files are small, hostile ones are not. */
export const maxSourceBytes = 2 * 1024 * 1024;

export interface Located {
  start: SourcePosition;
  end: SourcePosition;
}

export interface SourceFile {
  file: string;
  text: string;
  /** The parsed value; undefined when the text does not parse. */
  value: unknown;
  /** Where a path is in the text: its value, or with `key` its key. Falls back to the nearest parent. */
  locate(path: readonly PathSegment[], part?: "value" | "key"): Located | undefined;
}

export function parseSource(file: string, text: string): { source: SourceFile; issues: Issue[] } {
  const lineCounter = new LineCounter();
  const issues: Issue[] = [];
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const emptySource = (value: unknown): SourceFile => ({ file, text, value, locate: () => undefined });

  if (Buffer.byteLength(text, "utf8") > maxSourceBytes) {
    issues.push({
      code: codes.fileTooLarge,
      severity: "error",
      file,
      path: "",
      message: `file is larger than ${maxSourceBytes / 1024 / 1024} MB; a workflow file should be small (split it with include:)`,
    });
    return { source: emptySource(undefined), issues };
  }

  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    // yaml's own duplicate-key check is quadratic in the size of a map; ours below is linear.
    uniqueKeys: false,
    strict: true,
  });
  for (const error of doc.errors) {
    const [from, to] = error.pos;
    issues.push({
      code: error.code === "DUPLICATE_KEY" ? codes.duplicateId : codes.syntax,
      severity: "error",
      file,
      path: "",
      message: syntaxMessage(error.code, error.message),
      start: position(from),
      end: position(Math.max(from, to)),
    });
  }
  if (issues.length === 0) issues.push(...duplicateKeys(doc.contents, file, position));
  if (issues.length > 0) return { source: emptySource(undefined), issues };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    issues.push({
      code: codes.syntax,
      severity: "error",
      file,
      path: "",
      message: `cannot read the file: ${(error as Error).message}`,
    });
    return { source: emptySource(undefined), issues };
  }

  const locate = (path: readonly PathSegment[], part: "value" | "key" = "value"): Located | undefined => {
    let node: unknown = doc.contents;
    let keyNode: unknown;
    let best: Node | undefined = doc.contents ?? undefined;
    for (const segment of path) {
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find(
          (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
        );
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        node = node.items[segment];
      } else {
        break;
      }
      const current = (part === "key" && keyNode ? keyNode : node) as Node | undefined;
      if (current?.range) best = current;
    }
    if (!best?.range) return undefined;
    return { start: position(best.range[0]), end: position(best.range[1]) };
  };

  return { source: { file, text, value, locate }, issues };
}

function syntaxMessage(code: string, message: string): string {
  const first = message.split("\n")[0] ?? message;
  if (code === "DUPLICATE_KEY") return `${first}: each id may be declared only once`;
  return `YAML syntax error: ${first}`;
}

/** Build an issue located in a source file. */
export function issueAt(
  source: SourceFile,
  path: readonly PathSegment[],
  code: string,
  message: string,
  options: { severity?: "error" | "warning"; part?: "value" | "key" } = {},
): Issue {
  const at = source.locate(path, options.part);
  return {
    code,
    severity: options.severity ?? "error",
    message,
    file: source.file,
    path: formatPath(path),
    ...(at ? { start: at.start, end: at.end } : {}),
  };
}

/** Every key declared twice in one mapping, found with one Set per mapping. */
function duplicateKeys(root: unknown, file: string, position: (offset: number) => SourcePosition): Issue[] {
  const issues: Issue[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (seen.has(key)) {
            const range = pair.key.range ?? [0, 0];
            issues.push({
              code: codes.duplicateId,
              severity: "error",
              file,
              path: "",
              message: `'${key}' is declared twice in the same mapping: each id may be declared only once`,
              start: position(range[0]),
              end: position(range[1]),
            });
          }
          seen.add(key);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
  }
  return issues;
}
