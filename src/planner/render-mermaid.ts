/**
 * The plan as a Mermaid flowchart, for READMEs, pull requests and the dashboard. Node shapes
 * tell kinds apart, edge labels name the document that links two steps, dotted edges are
 * runtime loops (remediation, rejection, arbiter routes back up the graph), and the critical
 * path is styled so the eye finds what bounds the run.
 */
import type { ExecutionPlan, Step, StepKind, Workflow } from "../spec/index.js";
import { type BackEdge, buildGraph, type DependencyEdge } from "./graph.js";

/** Opening and closing brackets of each kind's node shape. */
function shape(kind: StepKind): readonly [string, string] {
  switch (kind) {
    case "model":
      return ["[", "]"];
    case "ensemble":
      return ["([", "])"];
    case "agent":
      return ["(", ")"];
    case "map":
      return ["[/", "\\]"];
    case "gate":
      return ["{", "}"];
    case "approval":
      return ["{{", "}}"];
    case "check":
      return ["[/", "/]"];
    case "arbiter":
      return [">", "]"];
    case "workflow":
      return ["[[", "]]"];
  }
}

/**
 * Mermaid node ids: `s_` plus the step id with every character outside [A-Za-z0-9] turned into
 * `_` (hyphens would be read as edges, and `end` is a keyword); clashes get `_2`, `_3`, …
 */
export function mermaidIds(steps: readonly Step[]): string[] {
  const used = new Set<string>();
  return steps.map((step) => {
    const base = `s_${step.id.replace(/[^A-Za-z0-9]/g, "_")}`;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    return id;
  });
}

/** Text inside a quoted label: Mermaid entity codes for what would end or break the label. */
function label(text: string): string {
  return text.replace(/[#"<>|]/g, (c) => `#${c.charCodeAt(0)};`);
}

/** Renders `flowchart TD`; `workflow` supplies the document names on edges and the loops. */
export function renderPlanMermaid(plan: ExecutionPlan, workflow: Workflow): string {
  const steps = workflow.steps;
  const ids = mermaidIds(steps);
  const critical = new Set(plan.criticalPath.steps);
  const criticalNext = new Map<string, string>();
  plan.criticalPath.steps.forEach((id, i) => {
    const next = plan.criticalPath.steps[i + 1];
    if (next !== undefined) criticalNext.set(id, next);
  });
  const conditional = new Set(plan.steps.filter((step) => step.conditional).map((step) => step.id));
  const graph = buildGraph(workflow);
  const lines = ["flowchart TD"];
  steps.forEach((step, i) => {
    const [open, close] = shape(step.kind);
    const extra = step.kind === "approval" ? "<br/>waits for a human" : "";
    lines.push(`  ${ids[i]}${open}"${label(step.id)}<br/>${step.kind}${extra}"${close}`);
  });
  const criticalLinks: number[] = [];
  let link = 0;
  const forward = graph.incoming.flat().sort((a, b) => a.to - b.to || a.from - b.from);
  for (const edge of forward) {
    lines.push(`  ${ids[edge.from]} ${arrow(edge)} ${ids[edge.to]}`);
    // The critical path is a chain: a link is on it when its ends are consecutive on it.
    if (criticalNext.get(steps[edge.from]!.id) === steps[edge.to]!.id) criticalLinks.push(link);
    link++;
  }
  for (const back of graph.backEdges) lines.push(`  ${ids[back.from]} ${backArrow(back)} ${ids[back.to]}`);
  lines.push("  classDef critical stroke:#d33,stroke-width:3px");
  lines.push("  classDef conditional stroke-dasharray:5 5");
  const members = (wanted: Set<string>) => steps.flatMap((step, i) => (wanted.has(step.id) ? [ids[i]!] : []));
  const criticalNodes = members(critical);
  if (criticalNodes.length > 0) lines.push(`  class ${criticalNodes.join(",")} critical`);
  const conditionalNodes = members(conditional);
  if (conditionalNodes.length > 0) lines.push(`  class ${conditionalNodes.join(",")} conditional`);
  if (criticalLinks.length > 0)
    lines.push(`  linkStyle ${criticalLinks.join(",")} stroke:#d33,stroke-width:3px`);
  return `${lines.join("\n")}\n`;
}

function arrow(edge: DependencyEdge): string {
  switch (edge.via) {
    case "document":
      return `-->|"${label(edge.documents.join(", "))}"|`;
    case "needs":
      return "-->";
    case "route":
      return `-.->|"${label(`route: ${(edge.routes ?? []).join(", ")}`)}"|`;
  }
}

function backArrow(edge: BackEdge): string {
  const text = edge.reason === "route" ? `route: ${edge.label}` : edge.label || edge.reason;
  return `-.->|"${label(text)}"|`;
}
