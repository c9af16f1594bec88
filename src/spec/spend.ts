/**
 * The spend ledger and response cache contract (v1), part of the store. Why in the store: a per-day
 * budget must hold across runs, processes and machines, so reservations live where every worker sees
 * them and are made atomically there (SQLite: one IMMEDIATE transaction; PostgreSQL: a transaction
 * under an advisory lock), never in process memory. Money is whole micro-dollars (integers, no drift).
 */

/** What a budget limits: one run, one step of one run, or every call of the UTC day. */
export type BudgetScope = "run" | "step" | "day";

/** One limit a reservation must stay within. */
export interface SpendLimit {
  readonly scope: BudgetScope;
  readonly limitMicroUsd: number;
}

export interface SpendReservation {
  /** Unique per call attempt (the wrapper makes it); settling uses it. */
  readonly id: string;
  readonly runId: string;
  readonly workflowName: string;
  readonly stepId: string;
  /** The candidate the estimate was made for (the most expensive one allowed). */
  readonly model: string;
  readonly estimateMicroUsd: number;
  /** Every limit that applies; the reservation is refused when any would be exceeded. */
  readonly limits: readonly SpendLimit[];
  /**
   * How long the reservation counts if it is never settled (its process crashed); default
   * `DEFAULT_RESERVATION_TTL_MS`. Make it longer than any call may take, retries included.
   */
  readonly ttlMs?: number;
}

/**
 * Default life of an open reservation: one hour, well past a model call's default attempt timeout
 * (5 min) times its retries. After it the reservation stops counting against budgets.
 */
export const DEFAULT_RESERVATION_TTL_MS = 3_600_000;

/** `reserved`, or the first limit that the estimate would exceed with what is already spent/reserved. */
export type ReserveResult =
  | { readonly type: "reserved" }
  | {
      readonly type: "exceeded";
      readonly limit: SpendLimit;
      /** Settled cost plus open reservations in that scope, before this one. */
      readonly spentMicroUsd: number;
    };

/**
 * `expired`: the reservation outlived its TTL unsettled (its process crashed) and was cleared at cost 0;
 * a late settlement of the same call still replaces it with the exact cost.
 */
export type SpendOutcome = "ok" | "error" | "cancelled" | "expired";

export interface SpendSettlement {
  /** Exact cost (failed attempts and retries inside the model layer included). */
  readonly costMicroUsd: number;
  readonly outcome: SpendOutcome;
  /** The model that answered (or the first candidate when none did). */
  readonly model: string;
}

/** One ledger row. An open reservation counts at its estimate, a settled one at its exact cost. */
export interface SpendRecord {
  readonly id: string;
  readonly runId: string;
  readonly workflowName: string;
  readonly stepId: string;
  readonly model: string;
  /** UTC day of the reservation, `YYYY-MM-DD`. */
  readonly day: string;
  readonly status: "reserved" | "settled";
  readonly estimateMicroUsd: number;
  readonly costMicroUsd: number;
  readonly outcome?: SpendOutcome;
  readonly createdAtMs: number;
  readonly settledAtMs?: number;
  /** When an open reservation stops counting against budgets. */
  readonly expiresAtMs: number;
}

/** What `deleteSpendOlderThan` removed. */
export interface SpendGcReport {
  /** Open reservations past their expiry, settled as `expired` first. */
  readonly reservationsExpired: number;
  readonly ledgerRowsDeleted: number;
  readonly cacheEntriesDeleted: number;
}

export interface SpendQuery {
  readonly runId?: string;
  /** Records created at or after this time. */
  readonly sinceMs?: number;
}

export interface SpendStore {
  /** Atomically checks every limit against settled cost plus open reservations and, if all fit, reserves. */
  reserveSpend(reservation: SpendReservation): Promise<ReserveResult>;
  /**
   * Replaces the reservation by the exact cost; idempotent (a second settle of the same id is ignored),
   * except that an `expired` reservation still takes the exact cost of its call when it finally ends.
   */
  settleSpend(reservationId: string, settlement: SpendSettlement): Promise<void>;
  /** Ledger rows, oldest first. */
  listSpend(query?: SpendQuery): Promise<SpendRecord[]>;
  /** A cached response text by request hash, unless it expired (store clock). */
  getCachedResponse(key: string): Promise<string | undefined>;
  /** Stores (or replaces) a response for `ttlMs` from now. */
  putCachedResponse(key: string, response: string, ttlMs: number): Promise<void>;
  /**
   * Settles every open reservation past its expiry as `expired` at cost 0 (a crashed process's calls);
   * returns how many. Expired reservations already stop counting before this runs; it makes the ledger say so.
   */
  expireSpendReservations(): Promise<number>;
  /**
   * Garbage collection: expires stale reservations, deletes expired cache entries, and deletes settled
   * ledger rows before today's UTC day whose run no longer exists, or which were created before `cutoff`
   * for a run that has finished. Rows of the current day are kept, so the per-day budget stays exact.
   */
  deleteSpendOlderThan(cutoff: Date): Promise<SpendGcReport>;
}
