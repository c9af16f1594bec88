/** Routing: which models a step asks, from hints, privacy, health, price and learned quality. */
export {
  type BanditOptions,
  defaultHalfLifeMs,
  learnQuality,
  posteriorMean,
  priorStrength,
  type QualityPosterior,
  thompsonSample,
  withPrior,
} from "./bandit.js";
export {
  allHealthy,
  type ClientHealthSource,
  type HealthView,
  healthFromClient,
  type ModelHealth,
} from "./health.js";
export { capableQuality, explores, type ModelFacts, scoreByPolicy } from "./policies.js";
export { sampleBeta, seededRandom, seedFrom } from "./random.js";
export { defaultMaxModels, defaultPolicy, route } from "./route.js";
export {
  createStepRouter,
  type QualitySource,
  routableModels,
  type StepRouterOptions,
} from "./step-router.js";
export type { Complexity, Policy, RoutableModel, RouteInput } from "./types.js";
