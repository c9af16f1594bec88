import { describe, expect, it } from "vitest";
import { load, summarize, validYaml } from "../test-helpers.js";

const withDocB = (context: string) =>
  validYaml.replace(
    "  doc-b: { format: markdown }\n",
    `  doc-b:\n    format: markdown\n    context: ${context}\n`,
  );

describe("cost rules", () => {
  it("accepts a complete truncate policy and keeps it on the document", () => {
    const result = load(withDocB("{ policy: truncate, maxTokens: 2000 }"));
    expect(summarize(result.issues)).toEqual([]);
    expect(result.workflow?.documents["doc-b"]?.context).toEqual({ policy: "truncate", maxTokens: 2000 });
  });

  it("QW034: truncate without maxTokens, and maxTokens with full", () => {
    const missing = load(withDocB("{ policy: truncate }"));
    expect(summarize(missing.issues)).toEqual([
      expect.stringMatching(
        /^QW034 documents\.doc-b\.context 9:14 .*'truncate' but no maxTokens: add e\.g\./,
      ),
    ]);
    expect(missing.workflow).toBeUndefined();
    const full = load(withDocB("{ policy: full, maxTokens: 10 }"));
    expect(summarize(full.issues)).toEqual([
      expect.stringMatching(/^QW034 documents\.doc-b\.context\.maxTokens .*policy 'full', which never cuts/),
    ]);
  });

  it("accepts a summarise policy with or without summariseWith", () => {
    expect(summarize(load(withDocB("{ policy: summarise }")).issues)).toEqual([]);
    const result = load(withDocB("{ policy: summarise, summariseWith: [openai/gpt-4o-mini] }"));
    expect(summarize(result.issues)).toEqual([]);
    expect(result.workflow?.documents["doc-b"]?.context).toEqual({
      policy: "summarise",
      summariseWith: ["openai/gpt-4o-mini"],
    });
  });

  it("QW034/QW016: summarise with maxTokens, summariseWith without summarise, an unknown or hosted-for-sensitive summariser", () => {
    expect(summarize(load(withDocB("{ policy: summarise, maxTokens: 100 }")).issues)).toEqual([
      expect.stringMatching(
        /^QW034 documents\.doc-b\.context\.maxTokens .*'summarise', whose summaries are sized/,
      ),
    ]);
    expect(
      summarize(
        load(withDocB("{ policy: truncate, maxTokens: 9, summariseWith: [openai/gpt-4o-mini] }")).issues,
      ),
    ).toEqual([expect.stringMatching(/^QW034 documents\.doc-b\.context\.summariseWith .*never summarises/)]);
    expect(
      summarize(load(withDocB("{ policy: summarise, summariseWith: [openai/gpt-4o-mega] }")).issues),
    ).toEqual([
      expect.stringMatching(
        /^QW016 documents\.doc-b\.context\.summariseWith\[0\] .*unknown model 'openai\/gpt-4o-mega'/,
      ),
    ]);
    const sensitive = validYaml.replace(
      "  doc-b: { format: markdown }\n",
      "  doc-b:\n    format: markdown\n    sensitive: true\n    context: { policy: summarise, summariseWith: [openai/gpt-4o-mini] }\n",
    );
    expect(summarize(load(sensitive).issues)).toContainEqual(
      expect.stringMatching(
        /^QW034 .*summariseWith\[0\] .*sensitive but would be summarised by hosted model/,
      ),
    );
  });

  it("QW035 warns when downgrade has no cheaper model to go to", () => {
    const yaml = validYaml.replace(
      "    outputs: [doc-b]\n",
      "    outputs: [doc-b]\n    budget: { usd: 1, onExceed: downgrade }\n",
    );
    const result = load(yaml);
    expect(result.issues).toEqual([
      expect.objectContaining({
        code: "QW035",
        severity: "warning",
        path: "steps[1].budget.onExceed",
        message: expect.stringContaining("list a cheaper model after 'openai/gpt-4o-mini'"),
      }),
    ]);
    expect(result.workflow).toBeDefined();
  });

  it("accepts a run budget at the top of the workflow", () => {
    const result = load(validYaml.replace("name: demo\n", "name: demo\nbudget: { usd: 2.5 }\n"));
    expect(summarize(result.issues)).toEqual([]);
    expect(result.workflow?.budget).toEqual({ usd: 2.5, onExceed: "stop" });
  });
});
