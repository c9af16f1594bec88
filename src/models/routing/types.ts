/**
 * The router's inputs as plain data, so `route` is a pure function tested with builders: no catalog
 * lookups, no clock, no store, no `Math.random` inside.
 */
import type { Routing } from "../../spec/index.js";
import type { QualityPosterior } from "./bandit.js";
import type { HealthView } from "./health.js";

export type Policy = NonNullable<Routing["policy"]>;
export type Complexity = NonNullable<Routing["complexity"]>;

/** One model the router may pick, with what the catalog and providers say about it. */
export interface RoutableModel {
  /** `provider/model`. */
  readonly ref: string;
  /** Runs on this machine: may receive sensitive content. */
  readonly local: boolean;
  readonly capabilities: readonly string[];
  /** Input + output list price per million tokens; undefined when unknown (hosted: never picked). */
  readonly priceUsdPerMTok?: number;
  /** Typical latency when nothing better is known (provider class). */
  readonly typicalLatencyMs: number;
  /** Why its provider cannot take calls now (no key, server down), if it cannot. */
  readonly unavailableReason?: string;
}

export interface RouteInput {
  /** Models the step named; when non-empty they are used as given (privacy still enforced). */
  readonly explicit: readonly string[];
  /** Providers known to be local, for explicit refs outside the catalog. */
  readonly localProviders: ReadonlySet<string>;
  readonly hints: Routing;
  readonly needsJson: boolean;
  readonly sensitive: boolean;
  readonly models: readonly RoutableModel[];
  readonly health: HealthView;
  /** Learned evidence per model for `hints.task` (without prior). */
  readonly learned: ReadonlyMap<string, QualityPosterior>;
  /** Seeded; used only by exploring policies (Thompson sampling). */
  readonly random: () => number;
  /** Models returned to try in order (default 3: one to answer, two to fall back on). */
  readonly maxModels?: number;
}

/** A scored model before sorting. */
export interface Scored {
  readonly ref: string;
  readonly score: number;
  readonly reasons: readonly string[];
}
