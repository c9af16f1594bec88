/**
 * Secrets never leave the model layer: provider error messages sometimes echo the key they refused
 * ("Incorrect API key provided: sk-..."), so every message is scrubbed of the keys we hold and of
 * anything shaped like a key before it reaches an error, a log or the journal.
 */

const keyShapes: readonly RegExp[] = [
  /\b(?:sk|gsk|xai|pk|rk|nvapi|fw|csk)[-_][A-Za-z0-9_-]{8,}/g,
  /\bAIza[0-9A-Za-z_-]{20,}/g,
  /\b((?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{8,}/gi,
  /([?&](?:key|api_key|apikey)=)[^&\s]+/gi,
];

/** `text` with every known secret and every key-shaped token replaced by `[redacted]`. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  let result = text;
  // Longest first, so a key that contains another is removed whole.
  const known = [...secrets].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
  for (const secret of known) result = result.split(secret).join("[redacted]");
  for (const shape of keyShapes)
    result = result.replace(shape, (match, prefix: unknown) =>
      typeof prefix === "string" && match.startsWith(prefix) ? `${prefix}[redacted]` : "[redacted]",
    );
  return result;
}
