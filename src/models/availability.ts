/**
 * Before a run starts: can any model the workflow names actually be reached? A provider counts
 * when its key is in the environment (`NAME`, or a numbered pool `NAME_1..N`) or it needs no key
 * (local servers such as Ollama). Checked up front so a run never stops at its first call.
 */
import type { Workflow } from "../spec/index.js";
import type { QuorumCatalog } from "./catalog/catalog.js";
import { parseModelRef } from "./catalog/model-ref.js";
import { apiKeyEnvNames, type ProviderPreset } from "./catalog/providers.js";
import { unavailableReason } from "./client/availability.js";

type Env = Record<string, string | undefined>;

export function providerUsable(provider: ProviderPreset, env: Env, catalog?: QuorumCatalog): boolean {
  // The model client's own rule (keys and numbered pools, keyless servers, in-process GGUF files),
  // without its network probe: the pre-run check must not wait on servers.
  return unavailableReason(provider, env, catalog) === undefined;
}

/**
 * Whether every step that always runs and calls models can reach at least one of its candidates. A
 * step behind `when:` may be skipped, so it does not stop the run here: `unreachableConditionalSteps`
 * names those for a warning, and such a step fails with its model error only if it does run.
 */
export function providersAvailable(catalog: QuorumCatalog, env: Env, workflow: Workflow): boolean {
  return workflow.steps.every((step) => step.when !== undefined || stepReachable(catalog, env, step));
}

/** Steps behind `when:` whose models cannot be reached: they fail if their condition holds. */
export function unreachableConditionalSteps(catalog: QuorumCatalog, env: Env, workflow: Workflow): string[] {
  return workflow.steps
    .filter((step) => step.when !== undefined && !stepReachable(catalog, env, step))
    .map((step) => step.id);
}

function stepReachable(catalog: QuorumCatalog, env: Env, step: Workflow["steps"][number]): boolean {
  if (!("models" in step)) return true;
  if (step.models.length === 0)
    return Object.values(catalog.providers).some((p) => providerUsable(p, env, catalog));
  return step.models.some((ref) => {
    const provider = catalog.providers[parseModelRef(ref).provider];
    return provider !== undefined && providerUsable(provider, env, catalog);
  });
}

/** What to tell a user who has no provider configured: a few lines, each a way out. */
export function noProviderMessage(catalog: QuorumCatalog, env: Env, workflow?: Workflow): string {
  const wanted = new Set(
    (workflow?.steps ?? []).flatMap((s) =>
      "models" in s ? s.models.map((m) => parseModelRef(m).provider) : [],
    ),
  );
  const keys = [...wanted]
    .map((id) => catalog.providers[id])
    .filter((p): p is ProviderPreset => p?.apiKeyRequired === true && !providerUsable(p, env))
    .map((p) => apiKeyEnvNames(p)[0])
    .filter(Boolean);
  return [
    "no model provider is available for this workflow, so nothing was run.",
    `  - set an API key in the environment${keys.length ? `: ${keys.join(", ")}` : " (OPENAI_API_KEY, ANTHROPIC_API_KEY, GROQ_API_KEY, ...)"}; numbered pools NAME_1..N work too`,
    "  - or run a local server such as Ollama and use ollama/<model> in the workflow",
    "  - or run a GGUF model in-process: quorum models pull <alias|url> (needs npm install node-llama-cpp), then use local/<name>",
    "  - or try the whole workflow without any model: quorum run <workflow> --dry-run",
  ].join("\n");
}

/** Why a provider cannot take calls now (names the key to set), or undefined: the model client's rule. */
export function providerUnavailableReason(
  provider: ProviderPreset,
  env: Env,
  catalog?: QuorumCatalog,
): string | undefined {
  return unavailableReason(provider, env, catalog);
}
