/** The error hierarchy: small classes whose fields drive behaviour (isRetryable, reason). */

export * from "./budget-errors.js";
export * from "./model-errors.js";
export * from "./routing-error.js";
export * from "./store-errors.js";
export * from "./tool-errors.js";
