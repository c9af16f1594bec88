/** Every consumed document has exactly one producer; declared documents are used. */
import type { Issue } from "../../spec/index.js";
import { codes } from "../codes.js";
import { findCycles, graphOf } from "../graph.js";
import type { Rule } from "./rule.js";

export const documentProducers: Rule = {
  name: "document-producers",
  check({ workflow, at, origins }) {
    const graph = graphOf(workflow);
    const issues: Issue[] = [];
    // Loops, not forEach/flatMap: this rule visits every document edge of files with 10,000 steps.
    const used = new Set<string>();
    for (const step of workflow.steps) {
      for (let i = 0; i < step.inputs.length; i++) {
        const id = step.inputs[i]!;
        used.add(id);
        if (!workflow.documents[id]) continue; // reported by known-documents
        const producers = graph.producers.get(id) ?? [];
        if (producers.length === 0)
          issues.push(
            at(
              ["steps", step.index, "inputs", i],
              codes.documentWithoutProducer,
              `no step produces document '${id}'; add it to the outputs of an earlier step`,
            ),
          );
        if (producers.length === 1 && producers[0] === step.id)
          issues.push(
            at(
              ["steps", step.index, "inputs", i],
              codes.cycle,
              `step '${step.id}' consumes '${id}', which it produces itself`,
            ),
          );
      }
      for (const id of step.outputs) used.add(id);
    }
    for (const [id, producers] of graph.producers) {
      if (producers.length < 2 || !workflow.documents[id]) continue;
      const second = graph.byId.get(producers[1]!)!;
      issues.push(
        at(
          ["steps", second.index, "outputs", second.outputs.indexOf(id)],
          codes.documentTwoProducers,
          `document '${id}' is produced by ${producers.map((p) => `'${p}'`).join(" and ")}; each document has one producer (declare a second document type, or use an ensemble step)`,
        ),
      );
    }
    for (const id of Object.keys(workflow.documents)) {
      const origin = origins.documents[id];
      if (!used.has(id) && origin?.source === undefined) continue;
      if (!used.has(id) && origin && origin.source.file === workflow.source.file)
        issues.push(
          at(
            origin.path,
            codes.unusedDocument,
            `document '${id}' is declared but no step produces or consumes it`,
            "warning",
          ),
        );
    }
    return issues;
  },
};

export const noCycles: Rule = {
  name: "no-cycles",
  check({ workflow, at }) {
    const graph = graphOf(workflow);
    return findCycles(graph).map((cycle) => {
      const first = graph.byId.get(cycle[0]!)!;
      return at(
        ["steps", first.index, "id"],
        codes.cycle,
        `dependency cycle: ${cycle.join(" → ")}; break it by removing an input or a needs entry (use a gate's remediate: to loop back)`,
      );
    });
  },
};
