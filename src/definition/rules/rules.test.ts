/**
 * One broken file per rule: each case asserts the issue's code, JSON path, line and column,
 * and a fragment of the message that tells the user how to fix it.
 */
import { describe, expect, it } from "vitest";
import { load, summarize, validYaml } from "../test-helpers.js";

interface Case {
  name: string;
  yaml: string;
  files?: Record<string, string>;
  code: string;
  path: string;
  line?: number;
  column?: number;
  message: string;
  severity?: "error" | "warning";
}

const replace = (from: string, to: string) => {
  if (!validYaml.includes(from)) throw new Error(`fixture does not contain ${from}`);
  return validYaml.replace(from, to);
};
const append = (text: string) => validYaml + text;

const cases: Case[] = [
  {
    name: "YAML syntax error",
    yaml: "quorum: 1\nname: [demo\n",
    code: "QW001",
    path: "",
    line: 3,
    message: "YAML syntax error",
  },
  {
    name: "unknown field with suggestion",
    yaml: replace("    outputs: [doc-a]\n", "    outptus: [doc-a]\n"),
    code: "QW002",
    path: "steps[0].outptus",
    line: 14,
    column: 5,
    message: "did you mean 'outputs'?",
  },
  {
    name: "wrong type",
    yaml: replace(
      "    kind: model\n    prompt: prompts/a.md",
      "    kind: model\n    retries: lots\n    prompt: prompts/a.md",
    ),
    code: "QW003",
    path: "steps[0].retries",
    line: 13,
    column: 14,
    message: "expected number",
  },
  {
    name: "missing required field",
    yaml: "quorum: 1\nsteps:\n  - id: a\n    kind: approval\n",
    code: "QW004",
    path: "name",
    message: "missing required field 'name'",
  },
  {
    name: "unknown step kind",
    yaml: replace("  - id: second\n    kind: model", "  - id: second\n    kind: modle"),
    code: "QW005",
    path: "steps[1].kind",
    line: 16,
    column: 11,
    message: "did you mean 'model'?",
  },
  {
    name: "duplicate step id",
    yaml: replace("  - id: second", "  - id: first"),
    code: "QW010",
    path: "steps[1].id",
    line: 15,
    column: 9,
    message: "already used by steps[0]",
  },
  {
    name: "duplicate document key",
    yaml: replace("  doc-b: { format: markdown }", "  doc-a: { format: markdown }"),
    code: "QW010",
    path: "",
    line: 7,
    message: "declared twice in the same mapping",
  },
  {
    name: "dependency cycle prints the cycle",
    yaml: replace("    outputs: [doc-a]\n", "    inputs: [doc-b]\n    outputs: [doc-a]\n"),
    code: "QW011",
    path: "steps[0].id",
    line: 11,
    column: 9,
    message: "dependency cycle: first → second → first",
  },
  {
    name: "consumed document without producer",
    yaml: append("  - id: third\n    kind: approval\n    inputs: [doc-c]\n").replace(
      "  doc-b: { format: markdown }",
      "  doc-b: { format: markdown }\n  doc-c: { format: markdown }",
    ),
    code: "QW012",
    path: "steps[2].inputs[0]",
    line: 23,
    column: 14,
    message: "no step produces document 'doc-c'",
  },
  {
    name: "document with two producers",
    yaml: append("  - id: third\n    kind: model\n    prompt: prompts/a.md\n    outputs: [doc-b]\n"),
    code: "QW013",
    path: "steps[2].outputs[0]",
    line: 23,
    column: 15,
    message: "produced by 'second' and 'third'",
  },
  {
    name: "unknown document",
    yaml: replace("    inputs: [doc-a]", "    inputs: [doc-aa]"),
    code: "QW014",
    path: "steps[1].inputs[0]",
    line: 18,
    column: 14,
    message: "did you mean 'doc-a'?",
  },
  {
    name: "unknown role",
    yaml: replace("  - id: first\n    kind: model\n", "  - id: first\n    kind: model\n    role: pm\n"),
    code: "QW015",
    path: "steps[0].role",
    line: 13,
    column: 11,
    message: "unknown role 'pm'",
  },
  {
    name: "unknown model",
    yaml: replace("  models: [openai/gpt-4o-mini]", "  models: [openai/gpt-4o-mnii]"),
    code: "QW016",
    path: "defaults.models[0]",
    line: 9,
    column: 12,
    message: "did you mean 'openai/gpt-4o-mini'?",
  },
  {
    name: "unknown provider",
    yaml: replace("    prompt: prompts/a.md\n", "    prompt: prompts/a.md\n    models: [opanai/gpt-4o]\n"),
    code: "QW017",
    path: "steps[0].models[0]",
    line: 14,
    column: 14,
    message: "did you mean 'openai'?",
  },
  {
    name: "unknown tool",
    yaml: append(
      "  - id: agent\n    kind: agent\n    prompt: prompts/a.md\n    tools: [github.issues]\n    outputs: [doc-c]\ntools:\n  gitlab: {}\n",
    ).replace(
      "  doc-b: { format: markdown }",
      "  doc-b: { format: markdown }\n  doc-c: { format: markdown }",
    ),
    code: "QW018",
    path: "steps[2].tools[0]",
    line: 24,
    column: 13,
    message: "unknown tool 'github.issues'",
  },
  {
    name: "missing prompt file",
    yaml: replace("    prompt: prompts/b.md", "    prompt: prompts/missing.md"),
    code: "QW019",
    path: "steps[1].prompt",
    line: 17,
    column: 13,
    message: "'prompts/missing.md' does not exist",
  },
  {
    name: "missing schema file",
    yaml: replace("schemas/doc.schema.json", "schemas/nope.json"),
    code: "QW019",
    path: "documents.doc-a.schema",
    line: 6,
    column: 20,
    message: "'schemas/nope.json' does not exist",
  },
  {
    name: "template variable that does not resolve (in the template file)",
    yaml: validYaml,
    files: { "w/prompts/b.md": "Line one\nImprove {{ documents.doc-a }} for {{ inputs.topik }}" },
    code: "QW020",
    path: "steps[1].prompt",
    line: 2,
    column: 35,
    message: "did you mean 'topic'?",
  },
  {
    name: "template uses a document the step does not consume",
    yaml: validYaml,
    files: { "w/prompts/a.md": "{{ documents.doc-b }}" },
    code: "QW020",
    path: "steps[0].prompt",
    line: 1,
    column: 1,
    message: "not an input of step 'first'",
  },
  {
    name: "invalid JSON Schema",
    yaml: validYaml,
    files: { "w/schemas/doc.schema.json": JSON.stringify({ type: "objekt" }) },
    code: "QW021",
    path: "documents.doc-a.schema",
    line: 6,
    column: 20,
    message: "not a valid JSON Schema",
  },
  {
    name: "schema file that is not JSON",
    yaml: validYaml,
    files: { "w/schemas/doc.schema.json": "{ nope" },
    code: "QW021",
    path: "documents.doc-a.schema",
    line: 6,
    message: "is not a JSON object",
  },
  {
    name: "remediation target not upstream",
    yaml: append(
      "  - id: qa\n    kind: gate\n    inputs: [doc-a]\n    checks: [{ schema: true }]\n    remediate: [second]\n",
    ),
    code: "QW022",
    path: "steps[2].remediate[0]",
    line: 24,
    column: 17,
    message: "'second' is not upstream of 'qa'",
  },
  {
    name: "map over an input that is not a list",
    yaml: append(
      "  - id: each\n    kind: map\n    prompt: prompts/a.md\n    over: inputs.topic\n    outputs: [doc-c]\n",
    ).replace(
      "  doc-b: { format: markdown }",
      "  doc-b: { format: markdown }\n  doc-c: { format: markdown }",
    ),
    code: "QW023",
    path: "steps[2].over",
    message: "input 'topic' is a string; a map goes over an input declared with type: list",
  },
  {
    name: "map over an input the workflow does not declare",
    yaml: append(
      "  - id: each\n    kind: map\n    prompt: prompts/a.md\n    over: inputs.tickets\n    outputs: [doc-c]\n",
    ).replace(
      "  doc-b: { format: markdown }",
      "  doc-b: { format: markdown }\n  doc-c: { format: markdown }",
    ),
    code: "QW020",
    path: "steps[2].over",
    message: "the workflow has no input 'tickets' (inputs: topic)",
  },
  {
    name: "a list input whose default is not a list",
    yaml: replace("  topic: { type: string }", "  topic: { type: list, default: a }"),
    code: "QW029",
    path: "inputs.topic.default",
    message: "default must be an array for a list input",
  },
  {
    name: "map over something that is not an array",
    yaml: append(
      "  - id: each\n    kind: map\n    prompt: prompts/a.md\n    inputs: [doc-a]\n    over: documents.doc-a.title\n    outputs: [doc-c]\n",
    ).replace(
      "  doc-b: { format: markdown }",
      "  doc-b: { format: markdown }\n  doc-c: { format: markdown }",
    ),
    code: "QW023",
    path: "steps[2].over",
    line: 25,
    column: 11,
    message: 'of type "string"',
  },
  {
    name: "unreachable step",
    yaml: replace(
      "    kind: model\n    prompt: prompts/a.md",
      '    kind: model\n    when: "false"\n    prompt: prompts/a.md',
    ),
    code: "QW024",
    path: "steps[1].id",
    line: 16,
    column: 9,
    message: "can never run: it depends on 'first'",
  },
  {
    name: "when expression that does not parse",
    yaml: replace("    inputs: [doc-a]", '    when: "inputs.topic =="\n    inputs: [doc-a]'),
    code: "QW025",
    path: "steps[1].when",
    line: 18,
    column: 11,
    message: "cannot parse expression",
  },
  {
    name: "when referencing an unknown input",
    yaml: replace("    inputs: [doc-a]", "    when: \"inputs.audience == 'b2b'\"\n    inputs: [doc-a]"),
    code: "QW020",
    path: "steps[1].when",
    line: 18,
    column: 11,
    message: "unknown input 'audience'",
  },
  {
    name: "agent step without tools",
    yaml: append("  - id: agent\n    kind: agent\n    prompt: prompts/a.md\n    outputs: [doc-c]\n").replace(
      "  doc-b: { format: markdown }",
      "  doc-b: { format: markdown }\n  doc-c: { format: markdown }",
    ),
    code: "QW026",
    path: "steps[2]",
    line: 21,
    column: 5,
    message: "has no tools",
  },
  {
    name: "workflow calling itself",
    yaml: append("  - id: again\n    kind: workflow\n    workflow: ./workflow.yaml\n"),
    code: "QW027",
    path: "steps[2].workflow",
    line: 22,
    column: 15,
    message: "calls the workflow it is in",
  },
  {
    name: "workflow calling itself through a child",
    yaml: append("  - id: child\n    kind: workflow\n    workflow: child.yaml\n"),
    files: { "w/child.yaml": "steps:\n  - { id: back, kind: workflow, workflow: workflow.yaml }\n" },
    code: "QW027",
    path: "steps[2].workflow",
    message: "leads back here",
  },
  {
    name: "unknown step in needs",
    yaml: replace("    inputs: [doc-a]", "    needs: [frist]\n    inputs: [doc-a]"),
    code: "QW028",
    path: "steps[1].needs[0]",
    line: 18,
    column: 13,
    message: "did you mean 'first'?",
  },
  {
    name: "enum input without values",
    yaml: replace("  topic: { type: string }", "  topic: { type: string }\n  tone: { type: enum }"),
    code: "QW029",
    path: "inputs.tone",
    line: 5,
    column: 9,
    message: "needs values",
  },
  {
    name: "check step with neither run nor probe",
    yaml: append("  - id: smoke\n    kind: check\n"),
    code: "QW030",
    path: "steps[2]",
    line: 20,
    column: 5,
    message: "exactly one of run:",
  },
  {
    name: "sensitive document sent to a hosted model",
    yaml: replace("  doc-b: { format: markdown }", "  doc-b: { format: markdown, sensitive: true }"),
    code: "QW030",
    path: "steps[1].models",
    line: 15,
    message: "sensitive content to hosted model 'openai/gpt-4o-mini'",
  },
  {
    name: "model step with two outputs",
    yaml: replace("    outputs: [doc-b]", "    outputs: [doc-b, doc-a]"),
    code: "QW031",
    path: "steps[1].outputs",
    line: 19,
    column: 14,
    message: "produces exactly 1 document",
  },
  {
    name: "declared document never used (warning)",
    yaml: replace(
      "  doc-b: { format: markdown }",
      "  doc-b: { format: markdown }\n  doc-z: { format: text }",
    ),
    code: "QW032",
    path: "documents.doc-z",
    line: 8,
    column: 10,
    message: "declared but no step",
    severity: "warning",
  },
  {
    name: "probe url naming an unknown input",
    yaml: append(
      '  - id: probe\n    kind: check\n    needs: [second]\n    probe: { url: "{{ inputs.topik }}/health" }\n',
    ),
    code: "QW020",
    path: "steps[2].probe.url",
    message: "unknown input 'topik'; did you mean 'topic'?",
  },
  {
    name: "probe url built from a document",
    yaml: append(
      '  - id: probe\n    kind: check\n    needs: [second]\n    probe: { url: "{{ documents.doc-a }}" }\n',
    ),
    code: "QW020",
    path: "steps[2].probe.url",
    message: "only run inputs can be used in a probe url",
  },
];

describe("validation rules", () => {
  it("accepts the valid fixture", () => {
    const result = load(validYaml);
    expect(summarize(result.issues)).toEqual([]);
    expect(result.workflow?.steps.map((s) => s.id)).toEqual(["first", "second"]);
  });

  it.each(cases)("$name → $code", (c) => {
    const result = load(c.yaml, c.files);
    const match = result.issues.find((i) => i.code === c.code && i.message.includes(c.message));
    expect(match, `issues were:\n${summarize(result.issues).join("\n")}`).toBeDefined();
    expect(match!.path).toBe(c.path);
    if (c.line !== undefined) expect(match!.start?.line).toBe(c.line);
    if (c.column !== undefined) expect(match!.start?.column).toBe(c.column);
    expect(match!.severity).toBe(c.severity ?? "error");
    if ((c.severity ?? "error") === "error") expect(result.workflow).toBeUndefined();
  });

  it("accepts a probe url that names a declared input", () => {
    const yaml = append(
      '  - id: probe\n    kind: check\n    needs: [second]\n    probe: { url: "{{ inputs.topic }}/health" }\n',
    );
    expect(summarize(load(yaml).issues)).toEqual([]);
  });

  it("accepts a map over a list input, with or without a default", () => {
    for (const declared of ["{ type: list }", "{ type: list, default: [a, b] }"]) {
      const yaml = replace(
        "  topic: { type: string }",
        `  topic: { type: string }\n  tickets: ${declared}`,
      ).replace(
        "  doc-b: { format: markdown }",
        "  doc-b: { format: markdown }\n  doc-c: { format: markdown }",
      );
      const withMap = `${yaml}  - id: each\n    kind: map\n    prompt: prompts/a.md\n    over: inputs.tickets\n    outputs: [doc-c]\n`;
      expect(summarize(load(withMap).issues)).toEqual([]);
    }
  });

  it("collects every problem in one pass", () => {
    const yaml = replace("    inputs: [doc-a]", "    inputs: [doc-aa]\n    needs: [nobody]").replace(
      "  models: [openai/gpt-4o-mini]",
      "  models: [openai/gpt-4o-mnii]",
    );
    const codes = load(yaml).issues.map((i) => i.code);
    expect(codes).toEqual(expect.arrayContaining(["QW014", "QW028", "QW016"]));
  });
});
