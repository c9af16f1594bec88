/**
 * The cost middleware in the order it must wrap a client, outermost first: the response cache (a hit
 * skips everything, costs 0 and is never ledgered), context fitting (drop models that cannot hold the
 * prompt, so budgets are estimated only for models that could answer), then budgets and the ledger
 * right around the provider client, so what is reconciled is what the provider billed.
 */
import type { CallBudget, ModelCatalog, ModelClient, SpendStore } from "../spec/index.js";
import { withBudgets } from "./budget/index.js";
import { withResponseCache } from "./cache/index.js";
import { withContextFit } from "./context/index.js";

export interface CostControlOptions {
  readonly store: SpendStore;
  readonly catalog: ModelCatalog;
  readonly dailyBudget?: { readonly usd: number; readonly onExceed?: CallBudget["onExceed"] };
  /** Why a provider cannot take calls now, if it cannot: budget downgrades to catalog models skip it. */
  readonly providerUnavailable?: (providerId: string) => string | undefined;
}

export function withCostControls(client: ModelClient, options: CostControlOptions): ModelClient {
  const budgeted = withBudgets(client, {
    ledger: options.store,
    catalog: options.catalog,
    ...(options.dailyBudget ? { dailyBudget: options.dailyBudget } : {}),
    ...(options.providerUnavailable ? { providerUnavailable: options.providerUnavailable } : {}),
  });
  return withResponseCache(withContextFit(budgeted, options.catalog), options.store);
}
