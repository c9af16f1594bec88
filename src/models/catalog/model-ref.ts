/**
 * `provider/model` references. The provider is everything before the FIRST slash and the model id
 * everything after, because hosted ids contain slashes of their own
 * (`openrouter/meta-llama/llama-4-maverick` is model `meta-llama/llama-4-maverick` on `openrouter`).
 */

export interface ModelRefParts {
  provider: string;
  model: string;
}

/** Split a reference; throws a TypeError naming the bad reference when either part is empty. */
export function parseModelRef(ref: string): ModelRefParts {
  const slash = ref.indexOf("/");
  if (slash <= 0 || slash === ref.length - 1)
    throw new TypeError(
      `'${ref}' is not a model reference: expected 'provider/model', e.g. openai/gpt-4o-mini`,
    );
  return { provider: ref.slice(0, slash), model: ref.slice(slash + 1) };
}

/** The inverse of {@link parseModelRef}. */
export function formatModelRef(parts: ModelRefParts): string {
  return `${parts.provider}/${parts.model}`;
}
