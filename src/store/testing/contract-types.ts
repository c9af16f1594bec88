/**
 * Types shared by the conformance suite and its case files (kept apart so the cases do not import the
 * suite that imports them).
 */
import type { Store, StoreOptions } from "../../spec/index.js";
import type { Migration } from "../migrations/index.js";
import type { Clock } from "./fixtures.js";

export interface HarnessOptions extends StoreOptions {
  /** Migrations to apply instead of the released ones (migration cases). */
  readonly migrations?: readonly Migration[];
}

/** One fresh, empty database for one test. */
export interface StoreHarness {
  /** Opens a store on this database. Calling it twice gives two connections to the same data when `sharesData`. */
  open(options: HarnessOptions): Promise<Store>;
  /** False when every `open` is a separate database (`:memory:`): two-writer cases then share one store. */
  readonly sharesData: boolean;
  /** Drops the database; stores opened by the suite are closed before. */
  cleanup(): Promise<void>;
}

export type StoreFactory = () => Promise<StoreHarness>;

export interface SkipRule {
  readonly reason: string;
  /** Test names as they appear in the suite (without the describe prefix). */
  readonly tests: readonly string[];
}

export interface ContractContext {
  readonly clock: Clock;
  /** The test's main store. */
  store(): Store;
  /** A second store on the same data (another "process"), or the main store when data is not shared. */
  second(): Promise<Store>;
  /** Opens another store on the same database with extra options. */
  open(options?: HarnessOptions): Promise<Store>;
  readonly sharesData: () => boolean;
}

/** `it`, or `it.skip` with the reason in the name when a skip rule names the test. */
export type ContractTest = (name: string, body: () => Promise<void>, timeoutMs?: number) => void;
