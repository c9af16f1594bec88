/** The error hierarchy: small classes whose fields drive behaviour (isRetryable, reason). */
export * from "./store-errors.js";
