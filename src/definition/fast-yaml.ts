/**
 * The fast way from text to plain data: js-yaml, about ten times faster than `yaml`'s
 * `parseDocument` on a large workflow, held to give exactly what `parseDocument(…).toJS()` gives.
 * Whatever it cannot vouch for, it declines (returns undefined) and `source.ts` takes the slow,
 * precise path: any js-yaml error, anchors and aliases (only `yaml` bounds alias expansion),
 * directives, explicit tags, keys the two parsers stringify differently, and the constructs found
 * (by `fast-yaml.test.ts`, which compares both parsers) where js-yaml is more lenient or wrong.
 */
import { FAILSAFE_SCHEMA, load, type State, Type } from "js-yaml";

/*
 * The YAML 1.2 core schema as `yaml` 2.x resolves plain scalars (yaml/dist/schema/core), not as
 * js-yaml's CORE_SCHEMA does: that one also reads `0b101`, `-0x10` and `+0o7` as numbers and
 * keeps `-.5` and a 400-digit integer as strings. DEFAULT_SCHEMA would add timestamps, merge keys
 * and binary, which `yaml`'s core schema leaves as strings. So `on`, `yes`, `2024-01-01` and
 * `1_000` stay strings; `1e3`, `0x10`, `0o17` and `.inf` are numbers.
 */
const nullPattern = /^(?:~|[Nn]ull|NULL)?$/;
const boolPattern = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const decimalPattern = /^[-+]?[0-9]+$/;
const octalPattern = /^0o[0-7]+$/;
const hexPattern = /^0x[0-9a-fA-F]+$/;
const specialFloatPattern = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const exponentPattern = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const floatPattern = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** Whether a plain scalar can be a number at all: one character check before any regex. */
function numberLike(data: string): boolean {
  const c = data.charCodeAt(0);
  return (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e; // 0-9 + - .
}

/** `yaml`'s core schema in js-yaml terms; exported for the tests that compare both parsers. */
export const yamlCoreSchema = FAILSAFE_SCHEMA.extend({
  implicit: [
    new Type("tag:yaml.org,2002:null", {
      kind: "scalar",
      resolve: (data: string | null) => data === null || (data.length <= 4 && nullPattern.test(data)),
      construct: () => null,
    }),
    new Type("tag:yaml.org,2002:bool", {
      kind: "scalar",
      resolve: (data: string | null) =>
        data !== null && (data.length === 4 || data.length === 5) && boolPattern.test(data),
      construct: (data: string) => data[0] === "t" || data[0] === "T",
    }),
    new Type("tag:yaml.org,2002:int", {
      kind: "scalar",
      resolve: (data: string | null) =>
        data !== null &&
        numberLike(data) &&
        (decimalPattern.test(data) || octalPattern.test(data) || hexPattern.test(data)),
      construct: (data: string) =>
        data.startsWith("0o")
          ? Number.parseInt(data.slice(2), 8)
          : data.startsWith("0x")
            ? Number.parseInt(data.slice(2), 16)
            : Number.parseInt(data, 10),
    }),
    new Type("tag:yaml.org,2002:float", {
      kind: "scalar",
      resolve: (data: string | null) =>
        data !== null &&
        numberLike(data) &&
        (specialFloatPattern.test(data) || exponentPattern.test(data) || floatPattern.test(data)),
      construct: (data: string) => {
        if (!specialFloatPattern.test(data)) return Number.parseFloat(data);
        if (data.slice(-3).toLowerCase() === "nan") return Number.NaN;
        return data[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      },
    }),
  ],
});

/**
 * What the fast path leaves to `yaml`, found in the text. Each pattern starts with the character
 * it is about, so the scan of a large file takes milliseconds; a match inside a string costs only
 * speed. A pattern may match more than its construct (`a:!b` is a plain scalar), never less.
 */
const deferredConstructs = new RegExp(
  [
    // A directive: `%YAML 1.1` switches `yaml` to YAML 1.1 scalars (`yes` is true).
    /^%/,
    // `---` or `...` glued to more text (`---#a: 1`): js-yaml reads a document marker, `yaml` a key.
    /^(?:---|\.\.\.)[^ \t\r\n]/,
    // An explicit tag at the start of a node (`!!int 1`, `!<…>`, `! x`), resolved by other rules.
    /!(?<=(?:^[ \t]*|[:?-][ \t]+|[,[{][ \t]*)!)/,
    // An explicit key (`? [a]`), which `yaml` stringifies as YAML (`"[ a ]"`), js-yaml as `"a"`.
    /\?(?=[ \t]|$)(?<=(?:^[ \t]*|[:?-][ \t]+|[,[{][ \t]*)\?)/,
    // A flow collection as an implicit key (`[a]: b`), for the same reason.
    /[\]}][ \t]*:/,
    // A comment glued to a quoted scalar or a flow collection (`'a'#c`): `yaml` rejects it.
    /["'\]}]#/,
    // A carriage return that does not end a line: js-yaml breaks the line there, `yaml` does not.
    /\r(?!\n)/,
    // A tab in the indentation (`n:⏎\t`): `yaml` rejects it where js-yaml skips it.
    /\t(?<=^ *\t)/,
    // A block scalar's explicit indentation indicator (`|1-`): js-yaml misreads it at the top.
    /[|>](?<=(?:^|[ \t])[|>])[-+]?[1-9]/,
    // A block scalar that starts with a line of spaces: `yaml` rejects one longer than the
    // content's indentation, js-yaml may read the content as a comment (`|⏎    ⏎  #x` is "").
    /[|>](?<=(?:^|[ \t])[|>])[-+]?[ \t]*(?:#.*)?(?:\r?\n)+ +\r?$/,
    // A block sequence entry left empty (`- ` alone on its line): js-yaml then reads the outer
    // sequence's next entries into the inner one (`- - ⏎- x` is `[[null, "x"]]`, not `[[null], "x"]`).
    /-(?<=(?:^|[ \t])-)[ \t]*(?:#.*)?$/,
  ]
    .map((pattern) => pattern.source)
    .join("|"),
  "m",
);

/** `yaml` rejects an implicit key longer than 1024 characters; js-yaml does not. */
const maxLineLength = 1024;

/** Thrown from js-yaml's listener to stop at the first node the fast path declines. */
const declined = new Error("declined by the fast path");

/**
 * The value of `text` exactly as `parseDocument(text, { strict: true }).toJS()` gives it, or
 * undefined when the fast path declines and `yaml` must decide. Only a mapping at the root is
 * taken: anything else is not a workflow, fragment or role file, so speed does not matter there,
 * and root scalars have odd corners of their own.
 */
export function parseFast(text: string): { value: unknown } | undefined {
  if (deferredConstructs.test(text) || hasLongLine(text) || hasOutdentedCommentBeforeValue(text))
    return undefined;
  const opened: number[] = [];
  let value: unknown;
  try {
    value = load(text, {
      schema: yamlCoreSchema,
      // Called as each node opens and closes, with the parser's state; the first node declined
      // stops the parse (an alias bomb is not even read to its end).
      listener: (event, state) => {
        if (event === "open") opened.push(state.position);
        else if (declines(state as NodeState, opened.pop() ?? 0, opened[opened.length - 1])) throw declined;
      },
    });
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return { value };
}

/** js-yaml's parser state as a node closes; `anchor` is not in its published types. */
interface NodeState extends State {
  anchor?: string | null;
}

/**
 * Whether the node that just closed is one the fast path leaves to `yaml`:
 * - an anchored node (`&name`): `yaml`'s maxAliasCount is what refuses alias bombs, while
 *   js-yaml shares aliased objects, so a bomb would go off later, in whatever walks the value;
 * - a mapping with a null key (`~: x`, `: x`), which is `""` for `yaml` and `"null"` for js-yaml
 *   (a quoted `"null"` key declines too);
 * - a quoted scalar or flow collection over several lines: js-yaml accepts continuation lines
 *   indented less than the node's parent (`- "a⏎b"`), `yaml` rejects them;
 * - a flow collection that is a key in a flow mapping (`{[a], b: c}`), stringified differently.
 */
function declines(state: NodeState, openedAt: number, parentOpenedAt: number | undefined): boolean {
  if (state.anchor != null) return true;
  if (state.kind === "mapping" && Object.hasOwn(state.result as object, "null")) return true;
  // Flow sequences make single-pair mappings (`[a: b]`) without a node of their own.
  if (state.kind === "sequence" && (state.result as unknown[]).some(hasNullKey)) return true;
  const input = state.input;
  const end = state.position;
  const last = input.charCodeAt(end - 1);
  if (last !== 0x22 && last !== 0x27 && last !== 0x5d && last !== 0x7d) return false; // " ' ] }
  const start = contentStart(input, openedAt);
  const first = input.charCodeAt(start);
  const quoted = state.kind === "scalar" && (first === 0x22 || first === 0x27) && first === last;
  const collection =
    (state.kind === "sequence" && first === 0x5b && last === 0x5d) || // [ ]
    (state.kind === "mapping" && first === 0x7b && last === 0x7d); // { }
  if (!quoted && !collection) return false;
  const newline = input.indexOf("\n", start);
  if (newline !== -1 && newline < end) return true;
  return (
    collection &&
    parentOpenedAt !== undefined &&
    input.charCodeAt(contentStart(input, parentOpenedAt)) === 0x7b && // the parent is a flow mapping
    previousCharacter(input, start) !== 0x3a // and this node is not a value after ':'
  );
}

function hasNullKey(item: unknown): boolean {
  return typeof item === "object" && item !== null && !Array.isArray(item) && Object.hasOwn(item, "null");
}

/** Where a node's content starts: after the blanks, line breaks and comments before it. */
function contentStart(input: string, from: number): number {
  let i = from;
  for (;;) {
    const c = input.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
    else if (c === 0x23) {
      const newline = input.indexOf("\n", i);
      if (newline === -1) return input.length;
      i = newline + 1;
    } else return i;
  }
}

/** The code of the last character before `at` that is not a blank or a line break. */
function previousCharacter(input: string, at: number): number {
  for (let i = at - 1; i >= 0; i--) {
    const c = input.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return c;
  }
  return -1;
}

function hasLongLine(text: string): boolean {
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    if (end - start > maxLineLength) return true;
    start = end + 1;
  }
  return false;
}

/**
 * A key whose value starts on a later line, with a comment line between them indented no deeper than
 * the key, and the value a plain scalar (`kind:⏎ #c⏎     model`): `yaml` rejects it
 * (MULTILINE_IMPLICIT_KEY), js-yaml reads `kind: model`. A sequence or mapping there is fine for both,
 * and so is the usual comment before a block (`steps:⏎# first⏎  - id: a`).
 */
function hasOutdentedCommentBeforeValue(text: string): boolean {
  // Only a key line ending in `:` directly followed (blank lines aside) by a comment line can be one:
  // one regex pass rules most files out before any line is split off (8 % of a 900 KB file's parse).
  if (!keyThenComment.test(text)) return false;
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!/:[ \t]*(?:#.*)?\r?$/.test(line) || line.trimStart().startsWith("#")) continue;
    const keyIndent = indentOf(line);
    let commentBetween = false;
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!;
      const content = next.trim();
      if (content === "") continue;
      if (content.startsWith("#")) {
        if (indentOf(next) <= keyIndent) commentBetween = true;
        continue;
      }
      if (
        commentBetween &&
        indentOf(next) > keyIndent &&
        !/^-(?:[ \t]|$)/.test(content) &&
        !/:(?:[ \t]|$)/.test(content)
      )
        return true;
      break;
    }
  }
  return false;
}

const keyThenComment = /:[ \t]*(?:#.*)?\r?\n(?:[ \t]*\r?\n)*[ \t]*#/;

const indentOf = (line: string): number => line.length - line.trimStart().length;
