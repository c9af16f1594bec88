/**
 * Many schema-valid answers at once, for steps that fan out (`ensemble` members, `map` items):
 * every slot is asked, its answer validated, and an invalid answer re-asked with the validation
 * errors, at most `maxRepairs` times; an invalid answer is never accepted.
 *
 * Why in lockstep phases (all first answers, then all first re-asks, ...) instead of letting each
 * slot re-ask the moment its answer fails: the journal keys every call by its call number in the
 * attempt, assigned when the call starts. Starting first calls in slot order, and each phase's
 * re-asks in slot order once the previous phase has settled, makes that numbering independent of
 * which call finishes first, so a resumed attempt finds every recorded call under the same key
 * and pays for none of them twice. The cost: a re-ask waits for the slowest call of its phase.
 */
import { isStoreFailure } from "../../errors/index.js";
import type { ModelRequest } from "../../spec/index.js";
import type { StepContext } from "../types.js";
import { maxRepairs } from "./model-step.js";
import { repairRequest } from "./request.js";
import { checkDocument } from "./structured.js";

export interface AnswerSlot {
  request: ModelRequest;
  /** JSON Schema the answer must satisfy; none: any text is accepted. */
  schema: Record<string, unknown> | undefined;
}

export type SlotResult =
  | { ok: true; text: string; value: unknown; model: string; repairs: number; dryRun: boolean }
  | { ok: false; error: { name: string; message: string }; repairs: number; retryable: boolean };

export interface AskOptions {
  /** Calls in flight at most. */
  concurrency: number;
  /** Stop starting calls after the first failed slot (map `onItemError: fail-fast`). */
  stopOnFailure?: boolean;
}

/**
 * Answers by slot index; `undefined` for slots never started because `stopOnFailure` stopped
 * the fan-out. Throws only when the step itself is aborted (cancel, timeout, shutdown).
 */
export async function askValid(
  context: StepContext,
  slots: readonly AnswerSlot[],
  options: AskOptions,
): Promise<Array<SlotResult | undefined>> {
  const results: Array<SlotResult | undefined> = new Array(slots.length).fill(undefined);
  // A slot's request is read only when its call starts (or is declared): a map builds them lazily.
  let pending: Array<{ index: number; request?: ModelRequest }> = slots.map((_, index) => ({ index }));
  let stopped = false;
  // The first answers start in slot order: declared a window ahead, none of them waits for a commit.
  const endAnnouncement = context.announceCalls(
    slots.length,
    (i) => slots[i]!.request,
    2 * options.concurrency,
  );
  try {
    for (let repair = 0; repair <= maxRepairs && pending.length > 0 && !stopped; repair++) {
      const retry: typeof pending = [];
      const settle = (index: number, result: SlotResult) => {
        results[index] = result;
        if (!result.ok && options.stopOnFailure) stopped = true;
      };
      await inOrderPool(
        pending,
        options.concurrency,
        () => stopped,
        ({ index, request }) =>
          // No await before callModel: the call must start (and take its number) synchronously.
          context.callModel(request ?? slots[index]!.request).then(
            (response) => {
              const checked = checkDocument(response.text, slots[index]!.schema);
              if (checked.ok)
                return settle(index, {
                  ok: true,
                  text: checked.text,
                  value: checked.value,
                  model: response.model,
                  repairs: repair,
                  dryRun: response.dryRun === true,
                });
              if (repair < maxRepairs)
                return void retry.push({
                  index,
                  request: repairRequest(slots[index]!.request, checked.errors),
                });
              settle(index, {
                ok: false,
                error: {
                  name: "InvalidDocument",
                  message: `no valid answer after ${maxRepairs + 1} tries: ${checked.errors.slice(0, 3).join("; ")}`,
                },
                repairs: repair,
                retryable: true,
              });
            },
            (error: unknown) => {
              // The store failing under a call (its ledger, its blob) is not this answer's failure: an
              // item skipped or a member dropped for it would lose a paid answer. It stops the run.
              if (context.signal.aborted || isStoreFailure(error)) throw error;
              const err = error as Error & { isRetryable?: boolean };
              settle(index, {
                ok: false,
                error: { name: err.name || "Error", message: err.message },
                repairs: repair,
                retryable: err.isRetryable ?? true,
              });
            },
          ),
      );
      pending = retry.sort((a, b) => a.index - b.index);
    }
  } finally {
    endAnnouncement();
  }
  return results;
}

/**
 * Run `task` over `items` with at most `limit` in flight, starting them strictly in array order
 * (a freed worker takes the next item synchronously). Waits for every started task, then rethrows
 * the first error, so no call outlives the step.
 */
export async function inOrderPool<T>(
  items: readonly T[],
  limit: number,
  stopped: () => boolean,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !stopped() && !failure) {
      const item = items[next++]!;
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}
