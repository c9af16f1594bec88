/**
 * The small expression language of `when:` and gate `assert:` —
 * `inputs.audience == 'b2b' && documents.review.score >= 0.8`. Parsed with jsep (never eval);
 * ids may contain '-', so subtraction needs spaces (`a - b`).
 */
import jsep from "jsep";

jsep.addIdentifierChar("-");

export type Expression = jsep.Expression;

export interface ParsedExpression {
  ast?: Expression;
  error?: string;
  /** Dotted references such as `inputs.audience` or `documents.review.score`. */
  references: string[];
}

const allowedBinary = new Set([
  "==",
  "!=",
  "===",
  "!==",
  "<",
  "<=",
  ">",
  ">=",
  "&&",
  "||",
  "+",
  "-",
  "*",
  "/",
  "%",
]);
const allowedUnary = new Set(["!", "-", "+"]);
/** Functions callable in expressions; the evaluator implements exactly these. */
export const expressionFunctions = ["len", "contains", "lower", "upper", "exists"] as const;

export function parseExpression(text: string): ParsedExpression {
  let ast: Expression;
  try {
    ast = jsep(text);
  } catch (error) {
    return { error: (error as Error).message, references: [] };
  }
  const references: string[] = [];
  const problem = walk(ast, references);
  return problem ? { error: problem, references } : { ast, references };
}

function walk(node: Expression, references: string[]): string | undefined {
  switch (node.type) {
    case "Literal":
      return undefined;
    case "Identifier": {
      const name = String(node.name);
      if (["true", "false", "null"].includes(name)) return undefined;
      references.push(name);
      return undefined;
    }
    case "MemberExpression": {
      const path = memberPath(node);
      if (path === undefined) return "only plain field access like documents.review.score is allowed";
      references.push(path);
      return undefined;
    }
    case "BinaryExpression":
      if (!allowedBinary.has(String(node.operator)))
        return `operator '${String(node.operator)}' is not allowed`;
      return walk(node.left as Expression, references) ?? walk(node.right as Expression, references);
    case "UnaryExpression":
      if (!allowedUnary.has(String(node.operator)))
        return `operator '${String(node.operator)}' is not allowed`;
      return walk(node.argument as Expression, references);
    case "ConditionalExpression":
      return (
        walk(node.test as Expression, references) ??
        walk(node.consequent as Expression, references) ??
        walk(node.alternate as Expression, references)
      );
    case "ArrayExpression":
      for (const element of (node.elements as Expression[]) ?? []) {
        const p = element ? walk(element, references) : undefined;
        if (p) return p;
      }
      return undefined;
    case "CallExpression": {
      const callee = node.callee as Expression;
      const name = callee.type === "Identifier" ? String(callee.name) : "";
      if (!(expressionFunctions as readonly string[]).includes(name))
        return `unknown function '${name || "?"}'; available: ${expressionFunctions.join(", ")}`;
      for (const arg of node.arguments as Expression[]) {
        const p = walk(arg, references);
        if (p) return p;
      }
      return undefined;
    }
    case "Compound":
      return "only one expression is allowed";
    default:
      return `'${node.type}' is not allowed in expressions`;
  }
}

/** `documents.review.score` or `documents['review'].score` -> "documents.review.score". */
export function memberPath(node: Expression): string | undefined {
  if (node.type === "Identifier") return String(node.name);
  if (node.type !== "MemberExpression") return undefined;
  const object = memberPath(node.object as Expression);
  if (object === undefined) return undefined;
  const property = node.property as Expression;
  if (!node.computed && property.type === "Identifier") return `${object}.${String(property.name)}`;
  if (node.computed && property.type === "Literal") return `${object}.${String(property.value)}`;
  return undefined;
}
