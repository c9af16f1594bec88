/**
 * Fan-out calls declared ahead (`model-call-batch-start`): a `map` or `ensemble` announces the calls it
 * is about to make, in order, and their keys are journaled a window ahead, so each call leaves once its
 * declaration is durable instead of waiting for a commit of its own (docs/engine.md). One instance per
 * step attempt; `keyOf` is the step context's call-key function, so a declared key is exactly the key
 * the call will have.
 */
import type { ModelRequest } from "../spec/index.js";

interface Announced {
  readonly firstCall: number;
  readonly count: number;
  readonly requestAt: (index: number) => ModelRequest;
  readonly window: number;
  readonly keys: string[];
  declaredTo: number;
  /** The next window's declaration is scheduled (after the current turn's timers, see `declaration`). */
  scheduled: boolean;
}

export class CallDeclarations {
  private announced: Announced | undefined;
  /** Durability of each declared call's batch, by key. */
  private readonly durable = new Map<string, Promise<void>>();

  constructor(
    private readonly keyOf: (call: number, request: ModelRequest) => string,
    /** Journals one declaration (awaited by the calls it covers); keys already answered are left out. */
    private readonly declare: (callKeys: string[]) => Promise<void>,
    private readonly answered: (callKey: string) => boolean,
  ) {}

  /**
   * Calls numbered from `firstCall` will be `requestAt(0)`, `requestAt(1)`, … (same objects). Returns
   * the announcement's end: after it, nothing more is declared for it.
   */
  announce(
    firstCall: number,
    count: number,
    requestAt: (index: number) => ModelRequest,
    window: number,
  ): () => void {
    const plan: Announced = {
      firstCall,
      count,
      requestAt,
      window: Math.max(1, window),
      keys: [],
      declaredTo: firstCall - 1,
      scheduled: false,
    };
    this.announced = plan;
    return () => {
      if (this.announced === plan) this.announced = undefined;
    };
  }

  /** The key of call `call` when it is the very request announced at that position (computed once). */
  keyFor(call: number, request: ModelRequest): string | undefined {
    const plan = this.announced;
    const i = plan ? call - plan.firstCall : -1;
    return plan && i >= 0 && i < plan.count && plan.requestAt(i) === request
      ? this.keyAt(plan, call)
      : undefined;
  }

  /**
   * The durability of announced call `call`'s declaration; undefined for a call that is not the announced
   * one. A call beyond the declared end declares half a window at once (the fan-out's first calls wait
   * for that commit); once fewer than a window of calls are declared ahead, the next whole window is
   * scheduled for later in the turn (`setImmediate`), so rendering and hashing a window's requests never
   * sits between an answer and the next call. Timers and the lanes they wake run first; the declaration then commits with the
   * answers recorded in the same turn, long before its first call is reached. Measured in
   * docs/performance.md.
   */
  declaration(call: number, callKey: string): Promise<void> | undefined {
    const plan = this.announced;
    const last = plan ? plan.firstCall + plan.count - 1 : -1;
    if (!plan || call < plan.firstCall || call > last || this.keyAt(plan, call) !== callKey) return undefined;
    if (call > plan.declaredTo) this.declareFrom(plan, call, Math.ceil(plan.window / 2));
    if (!plan.scheduled && call + plan.window > plan.declaredTo && plan.declaredTo < last) {
      plan.scheduled = true;
      setImmediate(() => {
        plan.scheduled = false;
        if (this.announced !== plan) return;
        try {
          this.declareFrom(plan, plan.declaredTo + 1, plan.window);
        } catch {
          // A request that cannot be keyed fails its own call, which declares (or keys) it when it is made.
        }
      });
    }
    return this.durable.get(callKey);
  }

  /** Declares up to `size` calls from `from` (those not answered yet) in one event. */
  private declareFrom(plan: Announced, from: number, size: number): void {
    const to = Math.min(plan.firstCall + plan.count - 1, from + size - 1);
    if (to < from) return;
    const callKeys: string[] = [];
    let end = from - 1;
    for (let n = from; n <= to; n++) {
      let key: string;
      try {
        key = this.keyAt(plan, n);
      } catch (error) {
        // A request that cannot be keyed fails its own call only: the window stops before it.
        if (n === from) throw error;
        break;
      }
      if (!this.answered(key)) callKeys.push(key);
      end = n;
    }
    plan.declaredTo = end;
    if (callKeys.length === 0) return;
    const durable = this.declare(callKeys);
    // A failure poisons the journal writer; the calls awaiting this declaration report it.
    durable.catch(() => undefined);
    for (const key of callKeys) this.durable.set(key, durable);
  }

  private keyAt(plan: Announced, call: number): string {
    const i = call - plan.firstCall;
    plan.keys[i] ??= this.keyOf(call, plan.requestAt(i));
    return plan.keys[i]!;
  }
}
