/**
 * Stable issue codes. A code never changes meaning once released; docs/validation.md lists
 * them with an example each. Tests assert codes, so renaming a message never breaks users' tooling.
 */
export const codes = {
  syntax: "QW001",
  unknownField: "QW002",
  invalidValue: "QW003",
  missingField: "QW004",
  unknownStepKind: "QW005",
  fileTooLarge: "QW006",
  duplicateId: "QW010",
  cycle: "QW011",
  documentWithoutProducer: "QW012",
  documentTwoProducers: "QW013",
  unknownDocument: "QW014",
  unknownRole: "QW015",
  unknownModel: "QW016",
  unknownProvider: "QW017",
  unknownTool: "QW018",
  missingFile: "QW019",
  unresolvedVariable: "QW020",
  invalidJsonSchema: "QW021",
  targetNotUpstream: "QW022",
  mapOverNonArray: "QW023",
  unreachableStep: "QW024",
  invalidExpression: "QW025",
  agentWithoutTools: "QW026",
  workflowCallsItself: "QW027",
  unknownStep: "QW028",
  invalidInput: "QW029",
  invalidStepConfig: "QW030",
  outputCount: "QW031",
  unusedDocument: "QW032",
  unpricedModel: "QW033",
  invalidContextPolicy: "QW034",
  ineffectiveBudget: "QW035",
} as const;

export type IssueCodeName = keyof typeof codes;
