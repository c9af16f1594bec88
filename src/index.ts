/**
 * quorum's public API. Everything a program embedding quorum needs: load and validate workflows,
 * plan them, open a store, and run them through the runtime with a model client. Test doubles live
 * in `quorum/testing`.
 */

// Loading and validation.
export {
  codes,
  type FileSystem,
  type LoadOptions,
  type LoadResult,
  loadAlerts,
  loadConfig,
  loadWorkflow,
  loadWorkflowText,
  memoryFileSystem,
  nodeFileSystem,
} from "./definition/index.js";
export type { RoutingMode } from "./engine/index.js";
// Models, and routing: the pure router, its step adapter and the health view a model client may provide.
export {
  allHealthy,
  builtinCatalog,
  createDryRunModelClient,
  createModelClient,
  createStepRouter,
  type HealthView,
  type ModelHealth,
  mergeCatalog,
  type QuorumCatalog,
  type RouteInput,
  route,
  type StepRouterOptions,
} from "./models/index.js";
// Monitoring.
export {
  computeMetrics,
  evaluateRules,
  extractSamples,
  type GateVerdictView,
  gateVerdictOf,
  JournalTail,
  type MetricsSnapshot,
  metricsExport,
  normalizeAlerts,
  successReport,
  WebhookNotifier,
} from "./monitor/index.js";
// Planning.
export { plan, renderPlanMermaid, renderPlanText } from "./planner/index.js";
// Running.
export {
  type DriveOutcome,
  type ReplayedRun,
  type ReplayReport,
  Runtime,
  type RuntimeDeps,
  replayRun,
} from "./runtime/index.js";
// Contracts and plain data types.
export type * from "./spec/index.js";
export { ConfigFile, stepKinds, WorkflowFile } from "./spec/index.js";
export type { ChildRunResult, RunSnapshot } from "./steps/index.js";
export { builtinExecutors, type StepContext, type StepExecutor, type StepOutcome } from "./steps/index.js";
// Storage.
export { DEFAULT_STORE_URL, openStore } from "./store/index.js";
// Tools (MCP) for agent steps.
export { createMcpToolHost, type McpToolHostOptions } from "./tools/index.js";
