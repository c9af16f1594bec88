/** The model layer: catalog and prices, exact cost, the dry-run stub, and provider clients. */

export {
  noProviderMessage,
  providersAvailable,
  providerUnavailableReason,
  providerUsable,
  unreachableConditionalSteps,
} from "./availability.js";
export * from "./budget/index.js";
export * from "./cache/index.js";
export * from "./catalog/index.js";
export * from "./check/index.js";
export * from "./client/index.js";
export * from "./context/index.js";
export * from "./cost.js";
export { type CostControlOptions, withCostControls } from "./cost-controls.js";
export { createDryRunModelClient, dryRunModel } from "./dry-run/dry-run-client.js";
export { exampleFromSchema } from "./dry-run/example-from-schema.js";
export * from "./local/index.js";
export type {
  BreakerPolicy,
  BreakerState,
  ErrorClass,
  HealthView,
  KeyRotation as KeyRotationStrategy,
} from "./middleware/index.js";
export * from "./routing/index.js";
