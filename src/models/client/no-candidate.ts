/**
 * The error for a call that could not try any model: it says why in terms the user can act on
 * (fail closed for sensitive content, how to add a provider, which named models were unusable).
 * None of these can succeed without a change, so none is retryable. Failing closed for sensitive
 * content is a block the runtime journals as a `security-event` (`ModelCallError.security`).
 */
import { type ModelAttemptFailure, ModelCallError } from "../../errors/index.js";
import type { ModelRequest } from "../../spec/index.js";
import type { QuorumCatalog } from "../catalog/index.js";
import { explainNoProvider } from "./availability.js";
import type { ProviderView } from "./candidates.js";

export function noCandidateError(
  request: ModelRequest,
  skipped: readonly ModelAttemptFailure[],
  catalog: QuorumCatalog,
  env: Record<string, string | undefined>,
  view: ProviderView,
): ModelCallError {
  const fields = { attempts: skipped, isRetryable: false };
  if (request.sensitive)
    return new ModelCallError(
      "this request is marked sensitive, so it may only go to a local provider, and none is available; failing closed instead of sending it to a hosted model. Start a local server (`ollama serve`, then `ollama pull llama3.1:8b`) or name a local model (e.g. ollama/llama3.1:8b) for this step, or run one in-process: `quorum models pull <alias|url>`, then local/<name>.",
      {
        ...fields,
        security: [
          {
            kind: "privacy-fail-closed",
            detail: `a sensitive request had no available local model${request.models.length > 0 ? ` (named: ${request.models.join(", ")})` : ""}; nothing was sent to a hosted provider`,
          },
        ],
      },
    );
  const anyAvailable = Object.keys(catalog.providers).some((id) => view.unavailableReason(id) === undefined);
  if (!anyAvailable) return new ModelCallError(explainNoProvider(catalog, env), fields);
  const what =
    request.models.length > 0
      ? `none of the requested models can be used (${request.models.join(", ")})`
      : `no available model in the catalog fits this request${request.schema ? " (it needs JSON output)" : ""}`;
  return new ModelCallError(
    `${what}. Set the key of one of their providers or add a fallback model.`,
    fields,
  );
}
