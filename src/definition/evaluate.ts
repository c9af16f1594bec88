/**
 * Evaluate a parsed `when`/`assert` expression against plain data. Only what the parser allows:
 * literals, field access, comparisons, boolean and arithmetic operators, and a few functions.
 */
import type { Expression } from "./expression.js";
import { memberPath, parseExpression } from "./expression.js";

export type Lookup = (path: string) => unknown;

export function evaluateExpression(text: string, lookup: Lookup): { value?: unknown; error?: string } {
  const parsed = parseExpression(text);
  if (parsed.error || !parsed.ast) return { error: parsed.error ?? "empty expression" };
  try {
    return { value: evaluate(parsed.ast, lookup) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

export const truthy = (value: unknown): boolean =>
  Array.isArray(value)
    ? value.length > 0
    : value !== undefined && value !== null && value !== false && value !== 0 && value !== "";

function evaluate(node: Expression, lookup: Lookup): unknown {
  switch (node.type) {
    case "Literal":
      return node.value;
    case "Identifier": {
      const name = String(node.name);
      if (name === "true") return true;
      if (name === "false") return false;
      if (name === "null") return null;
      return lookup(name);
    }
    case "MemberExpression":
      return lookup(memberPath(node) ?? "");
    case "UnaryExpression": {
      const value = evaluate(node.argument as Expression, lookup);
      if (node.operator === "!") return !truthy(value);
      return node.operator === "-" ? -Number(value) : Number(value);
    }
    case "BinaryExpression": {
      const op = String(node.operator);
      const left = evaluate(node.left as Expression, lookup);
      if (op === "&&") return truthy(left) ? evaluate(node.right as Expression, lookup) : left;
      if (op === "||") return truthy(left) ? left : evaluate(node.right as Expression, lookup);
      const right = evaluate(node.right as Expression, lookup);
      return binary(op, left, right);
    }
    case "ConditionalExpression":
      return truthy(evaluate(node.test as Expression, lookup))
        ? evaluate(node.consequent as Expression, lookup)
        : evaluate(node.alternate as Expression, lookup);
    case "ArrayExpression":
      return (node.elements as Expression[]).map((e) => evaluate(e, lookup));
    case "CallExpression": {
      const name = String((node.callee as Expression).name);
      const args = (node.arguments as Expression[]).map((a) => evaluate(a, lookup));
      return call(name, args);
    }
    default:
      throw new Error(`'${node.type}' is not allowed in expressions`);
  }
}

function binary(op: string, left: unknown, right: unknown): unknown {
  switch (op) {
    case "==":
    case "===":
      return left === right;
    case "!=":
    case "!==":
      return left !== right;
    case "<":
      return (left as number) < (right as number);
    case "<=":
      return (left as number) <= (right as number);
    case ">":
      return (left as number) > (right as number);
    case ">=":
      return (left as number) >= (right as number);
    case "+":
      return typeof left === "string" || typeof right === "string"
        ? `${left}${right}`
        : Number(left) + Number(right);
    case "-":
      return Number(left) - Number(right);
    case "*":
      return Number(left) * Number(right);
    case "/":
      return Number(left) / Number(right);
    case "%":
      return Number(left) % Number(right);
    default:
      throw new Error(`operator '${op}' is not allowed`);
  }
}

function call(name: string, args: unknown[]): unknown {
  const [a, b] = args;
  switch (name) {
    case "len":
      return typeof a === "string" || Array.isArray(a)
        ? a.length
        : a && typeof a === "object"
          ? Object.keys(a).length
          : 0;
    case "contains":
      return typeof a === "string" ? a.includes(String(b)) : Array.isArray(a) ? a.includes(b) : false;
    case "lower":
      return String(a ?? "").toLowerCase();
    case "upper":
      return String(a ?? "").toUpperCase();
    case "exists":
      return a !== undefined && a !== null;
    default:
      throw new Error(`unknown function '${name}'`);
  }
}
