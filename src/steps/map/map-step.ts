/**
 * `map` steps: the prompt once per item of an array in a consumed document, with `{{ item }}` and
 * `{{ index }}` (0-based) in the template, at most `concurrency` calls in flight, and the results
 * assembled into the one output document (see `map-shape.ts` for its shape).
 *
 * Calls start in index order, and each item's re-asks (bounded, with the validation errors, like
 * a model step) run in lockstep phases after every first answer (see `askValid`): the journal's
 * call numbering then does not depend on which item finished first, so a resumed attempt answers
 * every finished item from the journal.
 *
 * An item fails when its call fails or its answer never validates. `onItemError` decides:
 * `collect` drops it from the results but records `{ index, error }` in the step output (and in
 * the document's `errors` property when it declares one), `skip` drops it and notes only the
 * index in the step output, `fail-fast` starts no further item and fails the step.
 */
import { renderTemplate } from "../../definition/index.js";
import type { JsonValue, ModelRequest } from "../../spec/index.js";
import { lookupPath } from "../lookup.js";
import { askInstruction, clarificationSchema } from "../model/model-step.js";
import { chooseDocumentModels, documentRequest } from "../model/request.js";
import { askValid } from "../model/valid-answers.js";
import type { StepContext, StepExecutor, StepOutcome } from "../types.js";
import { answerQuestions } from "./ask-items.js";
import { assemble, type ItemResult, mapShape } from "./map-shape.js";

export const mapStep: StepExecutor = {
  async execute(context: StepContext): Promise<StepOutcome> {
    const step = context.step;
    if (step.kind !== "map") throw new Error("map executor given another kind");
    if (!step.prompt) return failed("NoPrompt", `step '${step.id}' has no prompt`, false);
    const outputId = step.outputs[0]!;
    const shape = mapShape(context.workflow.documents[outputId]);
    if ("problem" in shape) return failed("MapOutputShape", `map '${step.id}': ${shape.problem}`, false);

    // Read once and extend per item: the same data `context.variables({ item, index })` gives,
    // without an await between items, so calls can start synchronously in index order.
    const base = await context.variables({ feedback: context.feedback.join("\n\n") });
    const items = resolveOver(base, step.over);
    if (typeof items === "string") return failed("MapOverNonArray", `map '${step.id}': ${items}`, false);

    const itemSchema = shape.kind === "text" ? undefined : shape.itemSchema;
    const itemModels = await chooseDocumentModels(context, itemSchema, "map-item");
    const template = step.prompt.text;
    // Built when each item's call starts (or is declared), not all before the first one leaves: a
    // 1,000-item map would otherwise render 1,000 prompts before its first call.
    const plain = memo((index) => {
      const prompt = renderTemplate(template, itemLookup(base, items[index], index));
      return documentRequest(context, prompt, itemModels, itemSchema, `${outputId}-item`);
    });
    // With `ask:`, an item may answer with clarification questions instead of its result.
    const askSchema = step.ask && itemSchema ? { anyOf: [itemSchema, clarificationSchema] } : itemSchema;
    const asked = step.ask
      ? memo((index) => {
          const request = plain(index);
          return {
            ...request,
            prompt: `${request.prompt}\n\n${askInstruction}`,
            ...(askSchema ? { schema: askSchema } : {}),
          };
        })
      : plain;
    const slots = items.map((_, index) => new LazySlot(index, asked, askSchema));
    const first = await askValid(context, slots, {
      concurrency: step.concurrency,
      stopOnFailure: step.onItemError === "fail-fast",
    });
    const answers = step.ask
      ? await answerQuestions(context, slots, plain, itemSchema, first, step.concurrency)
      : first;
    if (answers === "waiting") return { type: "waiting" };

    const results: ItemResult[] = [];
    const errors: Array<{ index: number; error: string }> = [];
    const skipped: Array<{ index: number; error: string }> = [];
    const models = new Set<string>();
    let dryRun = false;
    for (const [index, answer] of answers.entries()) {
      if (!answer) continue; // never started: fail-fast stopped the fan-out
      if (answer.ok) {
        results.push({ index, text: answer.text, value: answer.value });
        models.add(answer.model);
        dryRun ||= answer.dryRun;
        continue;
      }
      const error = `${answer.error.name}: ${answer.error.message}`;
      if (step.onItemError === "fail-fast")
        return failed("MapItemFailed", `map '${step.id}': item ${index} failed: ${error}`, answer.retryable);
      (step.onItemError === "collect" ? errors : skipped).push({ index, error });
    }

    const output: Record<string, JsonValue> = {
      items: items.length,
      succeeded: results.length,
      concurrency: step.concurrency,
      onItemError: step.onItemError,
      models: [...models],
      ...(errors.length > 0 ? { errors } : {}),
      ...(skipped.length > 0 ? { skipped: skipped.map((s) => s.index) } : {}),
      ...(dryRun || context.dryRun ? { dryRun: true } : {}),
    };
    return {
      type: "done",
      documents: { [outputId]: assemble(shape, results, errors) },
      output,
      // Lineage names one model; when fallbacks mixed models, the output lists them instead.
      ...(models.size === 1 ? { model: [...models][0]! } : {}),
    };
  },
};

/**
 * The array `over` points at (`documents.<doc>.<path>`, or a list input: `inputs.<name>`), or a message
 * saying what it found instead.
 */
export function resolveOver(data: Record<string, unknown>, over: string): unknown[] | string {
  const [root, documentId] = over.split(".");
  if (root === "inputs") {
    const value = lookupPath(data, over);
    return Array.isArray(value) ? value : `over '${over}' must be a list input, but it is ${describe(value)}`;
  }
  if (root !== "documents" || !documentId)
    return `over '${over}' must name an array in a consumed document, e.g. documents.backlog.items`;
  if ((data.documents as Record<string, unknown> | undefined)?.[documentId] === undefined)
    return `over '${over}': document '${documentId}' has no version yet`;
  const value = lookupPath(data, over);
  if (Array.isArray(value)) return value;
  return `over '${over}' must be an array, but it is ${describe(value)}`;
}

const describe = (value: unknown): string =>
  value === undefined ? "missing" : value === null ? "null" : typeof value;

/**
 * An item's slot for `askValid`, its request built on first read. A class, not an object literal with a
 * getter: those are made on a slow path, about 1 ms per 1,000 items before the first call (measured).
 */
class LazySlot {
  constructor(
    private readonly index: number,
    private readonly make: (index: number) => ModelRequest,
    readonly schema: Record<string, unknown> | undefined,
  ) {}

  get request(): ModelRequest {
    return this.make(this.index);
  }
}

/**
 * Paths of an item's template: `item` and `index` from the item, the rest from the step's data. Not a
 * copy of the data with both added: spreading it per item made a slow, ~1.7 KB object each (measured).
 */
function itemLookup(base: Record<string, unknown>, item: unknown, index: number): (path: string) => unknown {
  const own = { item, index };
  return (path) => {
    const head = path.split(".", 1)[0];
    return lookupPath(head === "item" || head === "index" ? own : base, path);
  };
}

/** `make(index)` on first use, then the same object every time (a call is announced by identity). */
function memo<T>(make: (index: number) => T): (index: number) => T {
  const made = new Map<number, T>();
  return (index) => {
    let value = made.get(index);
    if (value === undefined) {
      value = make(index);
      made.set(index, value);
    }
    return value;
  };
}

const failed = (name: string, message: string, retryable: boolean): StepOutcome => ({
  type: "failed",
  error: { name, message },
  retryable,
});
