/**
 * Turning an arbiter model's answer into a route. Pure, so the rules are unit-tested apart from
 * the runtime: a choice that is not one of the routes takes the arbiter's `default` (the seeds'
 * coordinator never stalls on a bad answer), while the rest of the answer must still fit the
 * decision document's schema, or the model is re-asked with the errors.
 */
import { checkDocument, extractJson } from "../model/structured.js";

export type Choice =
  /** `document`: the accepted decision (its `route` is the route taken), as JSON text. */
  | { ok: true; route: string; valid: boolean; choice?: string; reason?: string; document: string }
  | { ok: false; errors: string[] };

/** The schema an arbiter answers when its output document declares none. */
export function defaultDecisionSchema(routes: readonly string[]): Record<string, unknown> {
  return {
    type: "object",
    required: ["route", "rationale"],
    properties: {
      route: { type: "string", enum: [...routes], description: "The route to take next." },
      rationale: { type: "string", description: "Why this route now." },
    },
  };
}

export function readChoice(
  text: string,
  routes: readonly string[],
  fallback: string,
  schema: Record<string, unknown>,
): Choice {
  let value: unknown;
  try {
    value = JSON.parse(extractJson(text));
  } catch (error) {
    return { ok: false, errors: [`the answer is not valid JSON: ${(error as Error).message}`] };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return { ok: false, errors: ["the answer must be a JSON object with a `route` property"] };
  const raw = (value as Record<string, unknown>).route;
  const valid = typeof raw === "string" && routes.includes(raw);
  const route = valid ? (raw as string) : fallback;
  const checked = checkDocument(JSON.stringify({ ...value, route }), schema);
  if (!checked.ok) return checked;
  if (valid) return { ok: true, route, valid, document: checked.text };
  const choice = raw === undefined ? undefined : typeof raw === "string" ? raw : JSON.stringify(raw);
  return {
    ok: true,
    route,
    valid,
    ...(choice !== undefined ? { choice } : {}),
    reason:
      choice === undefined
        ? `the answer named no route; took the default '${fallback}'`
        : `'${choice}' is not one of the routes (${routes.join(", ")}); took the default '${fallback}'`,
    document: checked.text,
  };
}
