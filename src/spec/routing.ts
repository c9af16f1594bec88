/**
 * The routing contract (v1): how a step asks which models to use, and the learning data the router
 * reads. Types only. The router itself lives in `src/models/routing/`; the runtime journals every
 * decision (`route-decision`) so a resumed run reuses it instead of deciding again.
 */
import type { RouteCandidateRecord, RouteRejectionRecord } from "./events.js";
import type { Step, Workflow } from "./workflow.js";
import type { Routing } from "./workflow-file.js";

/** What a step execution asks the router. */
export interface RouteRequest {
  readonly runId: string;
  readonly workflow: Workflow;
  readonly step: Step;
  readonly attempt: number;
  readonly round: number;
  /** Models the caller named (a step's `models`, a judge's `models`); empty means "route for me". */
  readonly explicit: readonly string[];
  /** What the models are for (`document`, `judge`, `map-item`...), recorded with the decision. */
  readonly purpose: string;
  /** The answer must be JSON (a document schema): only models with the `json` capability qualify. */
  readonly needsJson: boolean;
  /** The content is sensitive: only local models qualify; none means the step fails closed. */
  readonly sensitive: boolean;
  /** Hints for this call instead of the step's `routing:` (a gate's judge routes as `review`). */
  readonly hints?: Routing;
}

/** The router's answer, as it is journaled. */
export interface RouteDecision {
  readonly source: "explicit" | "routed" | "unrouted" | "unroutable";
  readonly policy?: string;
  readonly taskType?: string;
  readonly complexity?: string;
  /** The models to try in order; empty lets the model layer pick. */
  readonly models: readonly string[];
  readonly candidates: readonly RouteCandidateRecord[];
  readonly rejected: readonly RouteRejectionRecord[];
  /** Why nothing qualified (source `unroutable`): one paragraph, what and how to fix. */
  readonly error?: string;
}

/** Injected into the runtime; async because learned quality is read from the store. */
export type StepRouter = (request: RouteRequest) => Promise<RouteDecision>;

/**
 * One piece of evidence about how well a model does a kind of task: a gate's score for a document
 * the model wrote, or a person's rating. Scores are 0..1. `id` makes recording idempotent, so a step
 * that runs again after a crash does not count twice.
 */
export interface QualityObservation {
  readonly id: string;
  readonly taskType: string;
  readonly model: string;
  readonly score: number;
  readonly source: "gate" | "feedback";
  readonly runId: string;
  readonly stepId: string;
  readonly atMs: number;
}

export interface QualityQuery {
  /** Only observations at or after this time. */
  readonly sinceMs?: number;
  readonly taskType?: string;
  /** Default 10000, newest first. */
  readonly limit?: number;
}

/** A person's rating of one step's output, kept as given (the quality observations derive from it). */
export interface FeedbackRecord {
  readonly id: string;
  readonly runId: string;
  readonly stepId: string;
  /** 0 (useless) .. 1 (perfect). */
  readonly rating: number;
  readonly comment?: string;
  readonly ratedBy?: string;
  readonly atMs: number;
}
