/** The definition layer: load, validate and normalize workflow files and the project config. */

export { formatDuration, parseDurationMs } from "../spec/duration.js";
export { type AlertsResult, alertsFileName, loadAlerts } from "./alerts.js";
export { codes } from "./codes.js";
export { type ConfigResult, configFileName, loadConfig } from "./config.js";
export { evaluateExpression, type Lookup, truthy } from "./evaluate.js";
export { type ParsedExpression, parseExpression } from "./expression.js";
export { type FileSystem, memoryFileSystem, nodeFileSystem } from "./file-system.js";
export { compileSchema, formatSchemaErrors, schemaAt } from "./json-schema.js";
export { type LoadOptions, type LoadResult, loadWorkflow, loadWorkflowText, sortIssues } from "./load.js";
export { allRules } from "./rules/index.js";
export { parseTemplate, renderTemplate } from "./template.js";
