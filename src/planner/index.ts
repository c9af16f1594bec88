/**
 * The planner: a pure function from a valid workflow to its execution plan (layers, critical
 * path, estimates), and the renderers the CLI and dashboard print it with.
 */
export { type BuiltInEstimate, type StepProfile, stepProfile } from "./defaults.js";
export { estimateStep, type StepEstimateResult } from "./estimate.js";
export { formatDurationMs, formatUsd, plural } from "./format.js";
export { type BackEdge, buildGraph, type DependencyEdge, type DependencyGraph } from "./graph.js";
export { plan } from "./plan.js";
export { mermaidIds, renderPlanMermaid } from "./render-mermaid.js";
export { renderPlanText } from "./render-text.js";
