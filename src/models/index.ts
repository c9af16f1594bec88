/** The model layer: catalog and prices, exact cost, the dry-run stub, and provider clients. */
export * from "./catalog/index.js";
export * from "./cost.js";
export { createDryRunModelClient, dryRunModel } from "./dry-run/dry-run-client.js";
export { exampleFromSchema } from "./dry-run/example-from-schema.js";
