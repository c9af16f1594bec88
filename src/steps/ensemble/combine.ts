/**
 * The combine strategies that need no model: `first-valid` and `vote`. Both are pure and decided
 * by list order, never by which member finished first, so a resumed or replayed run picks the
 * same winner from the same answers.
 */
import type { JsonValue } from "../../spec/index.js";

/** A member's schema-valid answer. `member` is its position in the step's `models` list. */
export interface Candidate {
  member: number;
  /** The model that answered (may differ from the listed one after a provider fallback). */
  model: string;
  /** The accepted document text (normalized JSON for JSON documents). */
  text: string;
  /** The parsed document (the text itself for documents without a schema). */
  value: unknown;
}

/** What a strategy decided: the document and why. */
export interface Combined {
  text: string;
  /** The model the document is attributed to (lineage). */
  model: string;
  /** The winning member; absent when a judge merged the candidates into a new document. */
  winner?: number;
  reasons?: string;
  /** Recorded in the step output as is. */
  details?: Record<string, JsonValue>;
  /** Set when the strategy could not decide and the first valid member was taken instead. */
  note?: string;
}

/** The first valid member in list order. */
export function firstValid(candidates: readonly Candidate[], note?: string): Combined {
  const first = candidates[0]!;
  return {
    text: first.text,
    model: first.model,
    winner: first.member,
    reasons: `member ${first.member} is the first valid answer in list order`,
    ...(note ? { note } : {}),
  };
}

/**
 * The answer most members gave. Answers are compared as canonical JSON (object keys sorted, so
 * key order does not split a vote); text documents are compared with surrounding space trimmed.
 * A plurality wins (no strict majority needed); a tie goes to the group whose first member comes
 * first in list order.
 */
export function vote(candidates: readonly Candidate[]): Combined {
  const groups = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    const key = canonicalJson(candidate.value);
    groups.set(key, [...(groups.get(key) ?? []), candidate]);
  }
  // Map keeps insertion order, which is list order of each group's first member: a stable tie-break.
  let best: Candidate[] = [];
  for (const group of groups.values()) if (group.length > best.length) best = group;
  const winner = best[0]!;
  return {
    text: winner.text,
    model: winner.model,
    winner: winner.member,
    reasons: `${best.length} of ${candidates.length} valid answers agree`,
    details: {
      votes: [...groups.values()].map((group) => ({
        members: group.map((c) => c.member),
        count: group.length,
      })),
    },
  };
}

/** JSON with object keys sorted at every level; a text answer (a bare string) is trimmed first. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(typeof value === "string" ? value.trim() : value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
