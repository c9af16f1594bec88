/**
 * No model may take a step's call: sensitive content with no local model, or no model meeting the
 * step's routing needs. Never retryable — it takes a configuration change — and the message says
 * what to change.
 */
export class RoutingError extends Error {
  override name = "RoutingError";
  readonly isRetryable = false;
  constructor(
    readonly stepId: string,
    reason: string,
  ) {
    super(`step '${stepId}' cannot be routed: ${reason}`);
  }
}
