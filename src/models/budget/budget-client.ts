/**
 * Budget middleware around the `ModelClient` contract. Before a call it reserves the most the call may
 * cost (see `estimate.ts`) in the store's spend ledger against every budget that applies (run and step
 * from the workflow, day from the project config); after it, the reservation is replaced by the exact
 * cost, whether the call answered, failed (failed attempts and retries are billed too) or was
 * cancelled. When a reservation would exceed a budget, that budget's policy decides: `stop` fails the
 * call with a message naming the budget; `downgrade` retries the reservation with only the cheaper
 * candidates (in the step's order of preference), then with the cheaper capable models of the whole
 * catalog (`downgrade.ts`), and calls with those, telling the caller why (`budgetDowngrade`); `ask` fails the call with
 * `policy: "ask"`, which the runtime turns into an approval request (the run waits; once approved the
 * call is made again with `budgetApproved`, which lifts only the `ask` budgets).
 *
 * Every call with a run context is ledgered, even without budgets: the ledger is what `quorum costs`
 * and the per-day budget read.
 */
import { randomUUID } from "node:crypto";
import { BudgetExceededError } from "../../errors/index.js";
import type {
  BudgetDowngrade,
  CallBudget,
  ModelCallContext,
  ModelCallOptions,
  ModelCatalog,
  ModelClient,
  ModelRequest,
  ModelResponse,
  SpendLimit,
  SpendStore,
} from "../../spec/index.js";
import { countPromptTokens } from "../context/tokens.js";
import { catalogAlternatives } from "./downgrade.js";
import { type CallEstimate, estimateCall } from "./estimate.js";

export interface BudgetClientOptions {
  readonly ledger: SpendStore;
  readonly catalog: ModelCatalog;
  /** The project's per-day budget (quorum.config.yaml `budgets.daily`). */
  readonly dailyBudget?: { readonly usd: number; readonly onExceed?: CallBudget["onExceed"] };
  /** Reservation ids; default random UUIDs. */
  readonly newId?: () => string;
  /** Why a provider cannot take calls now, if it cannot: catalog downgrades skip it. Default: all can. */
  readonly providerUnavailable?: (providerId: string) => string | undefined;
  /** Life of an unsettled reservation (a crash); default the store's (one hour). */
  readonly reservationTtlMs?: number;
}

const toMicro = (usd: number): number => Math.round(usd * 1_000_000);
const usd = (microUsd: number): string => `$${(microUsd / 1_000_000).toFixed(6)}`;

interface Reserved {
  readonly id: string;
  readonly models: readonly string[];
  readonly estimate: CallEstimate;
  readonly downgrade?: BudgetDowngrade;
}

export function withBudgets(inner: ModelClient, options: BudgetClientOptions): ModelClient {
  const newId = options.newId ?? randomUUID;
  const daily: CallBudget[] = options.dailyBudget
    ? [{ scope: "day", usd: options.dailyBudget.usd, onExceed: options.dailyBudget.onExceed ?? "stop" }]
    : [];

  async function reserve(request: ModelRequest, context: ModelCallContext): Promise<Reserved> {
    // An approved call may exceed the `ask` budgets, never the others.
    const budgets = [...(context.budgets ?? []), ...daily].filter(
      (b) => !(context.budgetApproved && b.onExceed === "ask"),
    );
    const limits: SpendLimit[] = budgets.map((b) => ({ scope: b.scope, limitMicroUsd: toMicro(b.usd) }));
    const inputTokens = await countPromptTokens(request);
    // With no list the model layer routes by itself; there is no price to enforce against.
    const estimates: CallEstimate[] =
      request.models.length > 0
        ? request.models.map((model) => estimateCall(request, model, inputTokens, options.catalog))
        : [{ model: "auto", inputTokens, outputTokens: 0, costMicroUsd: 0 }];
    // The model layer may fall back along the list, so reserve for the dearest model it may reach.
    const dearest = (list: readonly CallEstimate[]): CallEstimate =>
      list.reduce((a, b) => (b.costMicroUsd > a.costMicroUsd ? b : a));
    let allowed = estimates;
    let downgrade: BudgetDowngrade | undefined;
    let catalogTried = false;
    for (;;) {
      const estimate = dearest(allowed);
      const id = newId();
      const result = await options.ledger.reserveSpend({
        id,
        runId: context.runId,
        workflowName: context.workflowName,
        stepId: context.stepId,
        model: estimate.model,
        estimateMicroUsd: estimate.costMicroUsd,
        limits,
        ...(options.reservationTtlMs !== undefined ? { ttlMs: options.reservationTtlMs } : {}),
      });
      const models = request.models.length > 0 ? allowed.map((e) => e.model) : [];
      if (result.type === "reserved")
        return {
          id,
          models,
          estimate,
          ...(downgrade ? { downgrade: { ...downgrade, toModels: models } } : {}),
        };
      const policy = budgets.find((b) => b.scope === result.limit.scope)?.onExceed ?? "stop";
      let cheaper = allowed.filter((e) => e.costMicroUsd < estimate.costMicroUsd);
      let source: BudgetDowngrade["source"] = downgrade?.source ?? "step";
      // The step's own models are exhausted: look for cheaper capable ones in the whole catalog, once.
      if (policy === "downgrade" && cheaper.length === 0 && !catalogTried && request.models.length > 0) {
        catalogTried = true;
        cheaper = catalogAlternatives(request, inputTokens, estimate.costMicroUsd, {
          catalog: options.catalog,
          ...(options.providerUnavailable ? { providerUnavailable: options.providerUnavailable } : {}),
        });
        source = "catalog";
      }
      if (policy !== "downgrade" || cheaper.length === 0)
        throw new BudgetExceededError({
          scope: result.limit.scope,
          stepId: context.stepId,
          limitMicroUsd: result.limit.limitMicroUsd,
          spentMicroUsd: result.spentMicroUsd,
          estimateMicroUsd: estimate.costMicroUsd,
          models: allowed.map((e) => e.model),
          policy,
        });
      // The first refusal of each kind says why; later, smaller steps down the same list add nothing.
      if (downgrade?.source !== source)
        downgrade = {
          scope: result.limit.scope,
          fromModels: request.models,
          toModels: [],
          source,
          reason:
            `the ${result.limit.scope} budget (${usd(result.limit.limitMicroUsd)}, ${usd(result.spentMicroUsd)} ` +
            `spent or reserved) cannot cover ${estimate.model} (up to ${usd(estimate.costMicroUsd)}); ` +
            (source === "catalog"
              ? "no model the step lists is cheaper, so the cheapest capable catalog models are tried"
              : "the step's cheaper models are tried"),
        };
      allowed = cheaper;
    }
  }

  return {
    specificationVersion: "v1",
    async generate(request: ModelRequest, callOptions?: ModelCallOptions): Promise<ModelResponse> {
      const context = callOptions?.context;
      if (context === undefined) return inner.generate(request, callOptions);
      const reserved = await reserve(request, context);
      let response: ModelResponse;
      try {
        response = await inner.generate({ ...request, models: reserved.models }, callOptions);
      } catch (error) {
        const err = error as { costUsd?: number };
        const cancelled = callOptions?.signal?.aborted === true;
        // A cancelled call may have been billed for tokens we never saw: keep it at its estimate.
        const costMicroUsd =
          err.costUsd !== undefined ? toMicro(err.costUsd) : cancelled ? reserved.estimate.costMicroUsd : 0;
        await options.ledger.settleSpend(reserved.id, {
          costMicroUsd,
          outcome: cancelled ? "cancelled" : "error",
          model: reserved.models[0] ?? reserved.estimate.model,
        });
        throw error;
      }
      await options.ledger.settleSpend(reserved.id, {
        costMicroUsd: toMicro(response.costUsd ?? 0),
        outcome: "ok",
        model: response.model,
      });
      return reserved.downgrade ? { ...response, budgetDowngrade: reserved.downgrade } : response;
    },
  };
}
