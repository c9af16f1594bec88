/** Look a dotted path up in plain data: `documents.review.score`; ids with '-' are one segment. */
export function lookupPath(data: unknown, path: string): unknown {
  let current = data;
  for (const segment of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
