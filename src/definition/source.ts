/**
 * Step one of loading: text -> plain data, with a way to point any JSON path back at a line and
 * column. JSON files go through the same parsers (YAML 1.2 is a superset). Most text takes the
 * fast path (js-yaml, `fast-yaml.ts`) and builds `yaml`'s tree only when an issue must be located;
 * text the fast path declines, syntax errors included, takes `yaml`'s precise path as before.
 */
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { Issue, SourcePosition } from "../spec/index.js";
import { codes } from "./codes.js";
import { parseFast } from "./fast-yaml.js";
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

/**
 * `text`, the contents of `file`, as plain data with a locator; or the issues that stop it (too
 * large, YAML syntax, a key declared twice), each with its position.
 */
export function parseSource(file: string, text: string): { source: SourceFile; issues: Issue[] } {
  if (Buffer.byteLength(text, "utf8") > maxSourceBytes) {
    const issue: Issue = {
      code: codes.fileTooLarge,
      severity: "error",
      file,
      path: "",
      message: `file is larger than ${maxSourceBytes / 1024 / 1024} MB; a workflow file should be small (split it with include:)`,
    };
    return { source: emptySource(file, text), issues: [issue] };
  }
  const fast = parseFast(text);
  if (fast === undefined) return parseSlowly(file, text);
  // The YAML tree is needed only to locate an issue: built the first time one is reported.
  let locate: SourceFile["locate"] | undefined;
  return {
    source: {
      file,
      text,
      value: fast.value,
      locate: (path, part) => {
        locate ??= locator(parseTree(text));
        return locate(path, part);
      },
    },
    issues: [],
  };
}

const emptySource = (file: string, text: string): SourceFile => ({
  file,
  text,
  value: undefined,
  locate: () => undefined,
});

interface Tree {
  doc: Document.Parsed;
  position(offset: number): SourcePosition;
}

function parseTree(text: string): Tree {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    // yaml's own duplicate-key check is quadratic in the size of a map; ours below is linear.
    uniqueKeys: false,
    strict: true,
  });
  const position = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return { doc, position };
}

/** The precise path, for text the fast one declines: every syntax error with its position. */
function parseSlowly(file: string, text: string): { source: SourceFile; issues: Issue[] } {
  const tree = parseTree(text);
  const { doc, position } = tree;
  const issues: Issue[] = [];
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
  if (issues.length > 0) return { source: emptySource(file, text), issues };

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
    return { source: emptySource(file, text), issues };
  }
  return { source: { file, text, value, locate: locator(tree) }, issues };
}

function locator({ doc, position }: Tree): SourceFile["locate"] {
  return (path, part = "value") => {
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
