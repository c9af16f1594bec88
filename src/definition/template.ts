/**
 * Prompt templates: plain text with `{{ variable.path }}` placeholders. Deliberately tiny (no
 * logic, no helpers) so templates stay readable and every variable can be checked before a run.
 * `{{{{` is a literal `{{`.
 */
export interface TemplateVariable {
  /** e.g. `documents.project-discovery` */
  path: string;
  /** 0-based offset of the `{{` in the text. */
  offset: number;
  length: number;
}

export interface TemplateParse {
  variables: TemplateVariable[];
  errors: Array<{ offset: number; message: string }>;
}

const pathPattern = /^[A-Za-z_][\w-]*(\.[\w-]+)*$/;

export function parseTemplate(text: string): TemplateParse {
  const variables: TemplateVariable[] = [];
  const errors: TemplateParse["errors"] = [];
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf("{{", index);
    if (open < 0) break;
    if (text.startsWith("{{{{", open)) {
      index = open + 4;
      continue;
    }
    const close = text.indexOf("}}", open + 2);
    if (close < 0) {
      errors.push({ offset: open, message: "'{{' is never closed with '}}'" });
      break;
    }
    const path = text.slice(open + 2, close).trim();
    if (!pathPattern.test(path))
      errors.push({ offset: open, message: `'{{${path}}}' is not a variable path like inputs.topic` });
    else variables.push({ path, offset: open, length: close + 2 - open });
    index = close + 2;
  }
  return { variables, errors };
}

/** Render with values looked up by path; objects are rendered as indented JSON, missing values as "". */
/** Parsed templates by text: a step renders the same prompt file on every attempt, item and run. */
const parsed = new Map<string, readonly TemplateVariable[]>();
const maxParsed = 1_000;

export function renderTemplate(text: string, lookup: (path: string) => unknown): string {
  let variables = parsed.get(text);
  if (variables === undefined) {
    variables = parseTemplate(text).variables;
    if (parsed.size >= maxParsed) parsed.clear();
    parsed.set(text, variables);
  }
  let out = "";
  let last = 0;
  for (const variable of variables) {
    out += text.slice(last, variable.offset).replaceAll("{{{{", "{{");
    const value = lookup(variable.path);
    out +=
      value === undefined || value === null
        ? ""
        : typeof value === "string"
          ? value
          : JSON.stringify(value, null, 2);
    last = variable.offset + variable.length;
  }
  return out + text.slice(last).replaceAll("{{{{", "{{");
}

/** 1-based line and column of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++)
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  return { line, column: offset - lineStart + 1 };
}
