import { describe, expect, it } from "vitest";
import type { PlanContext } from "../spec/index.js";
import {
  agentStep,
  approvalStep,
  arbiterStep,
  checkStep,
  ensembleStep,
  gateStep,
  mapStep,
  modelStep,
  workflow,
} from "../testing/workflow-builder.js";
import { plan } from "./plan.js";
import { mermaidIds, renderPlanMermaid } from "./render-mermaid.js";
import { renderPlanText } from "./render-text.js";

const gpt = "openai/gpt-4o-mini";
const claude = "anthropic/claude-sonnet-4-5";
const context: PlanContext = {
  prices: {
    [gpt]: { inputPerMTokUsd: 0.15, outputPerMTokUsd: 0.6 },
    [claude]: { inputPerMTokUsd: 3, outputPerMTokUsd: 15 },
  },
  roleEstimates: { architect: { durationMs: 20 * 60_000 } },
};

const strategy = workflow("strategy-document")
  .step(
    modelStep("discovery", {
      models: [gpt],
      outputs: ["discovery-notes"],
      estimate: { durationMs: 600_000 },
    }),
  )
  .step(
    agentStep("market-research", {
      models: ["local/qwen"],
      inputs: ["discovery-notes"],
      outputs: ["market"],
    }),
  )
  .step(
    modelStep("requirements", {
      models: [claude],
      inputs: ["discovery-notes"],
      outputs: ["requirements-doc"],
    }),
  )
  .step(
    ensembleStep("architecture", {
      role: "architect",
      models: [claude, gpt],
      inputs: ["requirements-doc", "market"],
      outputs: ["design"],
    }),
  )
  .step(
    gateStep("qa-gate", {
      inputs: ["design"],
      checks: [{ type: "judge", models: [gpt], rubric: ["accuracy"] }],
      remediate: ["architecture"],
    }),
  )
  .step(mapStep("user-stories", { models: [gpt], inputs: ["requirements-doc"], estimate: { items: 12 } }))
  .step(
    arbiterStep("triage", {
      models: [gpt],
      needs: ["qa-gate"],
      routes: { ship: { steps: ["sign-off"] }, rework: { steps: ["requirements"] } },
      default: "ship",
    }),
  )
  .step(approvalStep("sign-off", { onReject: { remediate: ["requirements"] } }))
  .step(checkStep("publish", { needs: ["sign-off"], when: "inputs.publish == true" }))
  .build();

describe("renderPlanText", () => {
  it("prints layers, critical steps, totals and estimate sources", () => {
    expect(renderPlanText(plan(strategy, context), strategy)).toMatchInlineSnapshot(`
      "Plan for strategy-document: 9 steps in 7 layers (widest: layer 2, 2 steps)

      Layer 1
        *  discovery        model     10m    $0.0012

      Layer 2
        *  market-research  agent      5m   unpriced
           requirements     model      1m      $0.03  slack 4m

      Layer 3
        *  architecture     ensemble  20m      $0.06
           user-stories     map        3m      $0.01  slack 22m30s

      Layer 4
        *  qa-gate          gate      30s    $0.0008

      Layer 5
        *  triage           arbiter   30s    $0.0005

      Layer 6
        *  sign-off         approval  0ms          -  waits for a human (not counted)

      Layer 7
        *  publish          check     30s          -  conditional

      Estimated: 40m30s sequential, 36m30s with parallel steps (1.11× faster); cost ≈ $0.10 (1 step unpriced: market-research)
      Durations: 1 from step, 1 from role, 7 from built-in defaults
      Critical path (*): discovery → market-research → architecture → qa-gate → triage → sign-off → publish (36m30s)
      "
    `);
  });

  it("lists at most five unpriced steps", () => {
    const built = workflow("many")
      .step(...Array.from({ length: 7 }, (_, i) => modelStep(`m${i}`)))
      .build();
    expect(renderPlanText(plan(built, { prices: {} }), built)).toContain(
      "(7 steps unpriced: m0, m1, m2, m3, m4 and 2 more)",
    );
  });
});

describe("renderPlanMermaid", () => {
  it("draws shapes by kind, documents on edges, loops dotted and the critical path styled", () => {
    expect(renderPlanMermaid(plan(strategy, context), strategy)).toMatchInlineSnapshot(`
      "flowchart TD
        s_discovery["discovery<br/>model"]
        s_market_research("market-research<br/>agent")
        s_requirements["requirements<br/>model"]
        s_architecture(["architecture<br/>ensemble"])
        s_qa_gate{"qa-gate<br/>gate"}
        s_user_stories[/"user-stories<br/>map"\\]
        s_triage>"triage<br/>arbiter"]
        s_sign_off{{"sign-off<br/>approval<br/>waits for a human"}}
        s_publish[/"publish<br/>check"/]
        s_discovery -->|"discovery-notes"| s_market_research
        s_discovery -->|"discovery-notes"| s_requirements
        s_market_research -->|"market"| s_architecture
        s_requirements -->|"requirements-doc"| s_architecture
        s_architecture -->|"design"| s_qa_gate
        s_requirements -->|"requirements-doc"| s_user_stories
        s_qa_gate --> s_triage
        s_triage -.->|"route: ship"| s_sign_off
        s_sign_off --> s_publish
        s_triage -.->|"route: rework"| s_requirements
        s_qa_gate -.->|"remediate"| s_architecture
        s_sign_off -.->|"on reject"| s_requirements
        classDef critical stroke:#d33,stroke-width:3px
        classDef conditional stroke-dasharray:5 5
        class s_discovery,s_market_research,s_architecture,s_qa_gate,s_triage,s_sign_off,s_publish critical
        class s_publish conditional
        linkStyle 0,2,4,6,7,8 stroke:#d33,stroke-width:3px
      "
    `);
  });

  it("makes node ids safe and unique", () => {
    const built = workflow("ids")
      .step(modelStep("end"), modelStep("a-b"), modelStep("a_b"), modelStep('x"y'))
      .build();
    expect(mermaidIds(built.steps)).toEqual(["s_end", "s_a_b", "s_a_b_2", "s_x_y"]);
    expect(renderPlanMermaid(plan(built, { prices: {} }), built)).toContain('s_x_y["x#34;y<br/>model"]');
  });
});
