/** Budgets: reserve the estimated cost before a call, reconcile to the exact cost after. */
export { type BudgetClientOptions, withBudgets } from "./budget-client.js";
export { type CallEstimate, DEFAULT_OUTPUT_TOKENS, estimateCall, outputAllowance } from "./estimate.js";
