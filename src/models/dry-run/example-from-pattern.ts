/**
 * A string matching a regular expression, for JSON Schema `pattern`. Best effort over the subset
 * schemas actually use (literals, classes, `\d \w \s`, groups, alternation, quantifiers, anchors);
 * the caller checks the result with a real `RegExp` and falls back when this cannot satisfy it.
 * Pure: no I/O, deterministic.
 */

interface Cursor {
  source: string;
  at: number;
}

const escapeSample: Record<string, string> = {
  d: "0",
  w: "a",
  s: " ",
  D: "a",
  W: "-",
  S: "a",
  n: "\n",
  t: "\t",
};

/** One sample character for a `[...]` class: the first member that is not excluded. */
function sampleClass(cursor: Cursor): string {
  const { source } = cursor;
  cursor.at++; // [
  const negated = source[cursor.at] === "^";
  if (negated) cursor.at++;
  const members: string[] = [];
  while (cursor.at < source.length && source[cursor.at] !== "]") {
    let char = source[cursor.at++]!;
    if (char === "\\") {
      const next = source[cursor.at++]!;
      char = escapeSample[next] ?? next;
    }
    if (source[cursor.at] === "-" && source[cursor.at + 1] !== "]" && cursor.at + 1 < source.length) {
      cursor.at++;
      let end = source[cursor.at++]!;
      if (end === "\\") end = source[cursor.at++]!;
      members.push(char, end);
    } else members.push(char);
  }
  cursor.at++; // ]
  if (!negated) return members[0] ?? "a";
  const excluded = new Set(members);
  return ["a", "0", "x", "Z", "_", " "].find((c) => !excluded.has(c)) ?? "a";
}

/** Parses `{n}`, `{n,}`, `{n,m}`, `*`, `+`, `?` (lazy `?` suffix ignored) into a repeat count. */
function repeatCount(cursor: Cursor): number {
  const { source } = cursor;
  const char = source[cursor.at];
  let count = 1;
  if (char === "*" || char === "?") {
    count = 0;
    cursor.at++;
  } else if (char === "+") {
    count = 1;
    cursor.at++;
  } else if (char === "{") {
    const close = source.indexOf("}", cursor.at);
    const match = /^\{(\d+)(,\d*)?\}$/.exec(source.slice(cursor.at, close + 1));
    if (!match) return 1;
    count = Number(match[1]);
    cursor.at = close + 1;
  } else return 1;
  if (source[cursor.at] === "?") cursor.at++;
  return count;
}

/** Generates for an alternation until `)` or the end; picks the first alternative. */
function sequence(cursor: Cursor): string {
  const { source } = cursor;
  let out = "";
  let chosen: string | undefined;
  while (cursor.at < source.length && source[cursor.at] !== ")") {
    const char = source[cursor.at]!;
    if (char === "|") {
      chosen ??= out;
      out = "";
      cursor.at++;
      continue;
    }
    let atom: string;
    if (char === "^" || char === "$") {
      cursor.at++;
      continue;
    }
    if (char === "(") {
      cursor.at++;
      if (source[cursor.at] === "?") cursor.at += source[cursor.at + 1] === "<" ? 3 : 2; // (?: (?= (?<=
      atom = sequence(cursor);
      cursor.at++; // )
    } else if (char === "[") atom = sampleClass(cursor);
    else if (char === "\\") {
      const next = source[cursor.at + 1]!;
      atom = escapeSample[next] ?? next;
      cursor.at += 2;
    } else if (char === ".") {
      atom = "a";
      cursor.at++;
    } else {
      atom = char;
      cursor.at++;
    }
    out += atom.repeat(repeatCount(cursor));
  }
  return chosen ?? out;
}

/** A sample string for `pattern`, or undefined when the sample does not actually match. */
export function exampleFromPattern(pattern: string): string | undefined {
  try {
    const sample = sequence({ source: pattern, at: 0 });
    return new RegExp(pattern, "u").test(sample) ? sample : undefined;
  } catch {
    return undefined;
  }
}
