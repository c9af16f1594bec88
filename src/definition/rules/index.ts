import { contextPolicies, effectiveBudgets } from "./cost.js";
import { knownModels, privacy } from "./models.js";
import { probeUrlVariables } from "./probe-url.js";
import { documentProducers, noCycles } from "./producers.js";
import { duplicateStepIds, knownDocuments, knownRoles, knownSteps } from "./references.js";
import type { Rule } from "./rule.js";
import { gateSchemaChecks, mapOverArray, validJsonSchemas } from "./schemas.js";
import { outputCount, stepConfig, validInputs } from "./step-config.js";
import { targetsUpstream, unreachableSteps } from "./structure.js";
import { agentHasTools, knownTools } from "./tools.js";
import { expressions, templateVariables } from "./variables.js";
import { workflowCalls } from "./workflow-calls.js";

export type { Rule, RuleContext } from "./rule.js";

/** Every rule. Each is independent; together they report every problem in one pass. */
export const allRules: readonly Rule[] = [
  duplicateStepIds,
  knownDocuments,
  knownRoles,
  knownSteps,
  documentProducers,
  noCycles,
  knownModels,
  privacy,
  knownTools,
  agentHasTools,
  templateVariables,
  expressions,
  validJsonSchemas,
  mapOverArray,
  gateSchemaChecks,
  targetsUpstream,
  unreachableSteps,
  outputCount,
  stepConfig,
  validInputs,
  workflowCalls,
  contextPolicies,
  effectiveBudgets,
  probeUrlVariables,
];
