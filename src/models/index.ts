/** The model layer: catalog and prices, exact cost, the dry-run stub, and provider clients. */

export { noProviderMessage, providersAvailable, providerUsable } from "./availability.js";
export * from "./catalog/index.js";
export * from "./client/index.js";
export * from "./cost.js";
export { createDryRunModelClient, dryRunModel } from "./dry-run/dry-run-client.js";
export { exampleFromSchema } from "./dry-run/example-from-schema.js";
export type {
  BreakerPolicy,
  BreakerState,
  ErrorClass,
  HealthView,
  KeyRotation as KeyRotationStrategy,
} from "./middleware/index.js";
