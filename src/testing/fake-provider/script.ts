/**
 * What the fake provider answers: a FIFO of scripted replies (each used once, or `times` times,
 * by the first request it matches), then responder functions, then the default responder.
 * Queues express "the 3rd call fails"; functions express "30 % of calls fail" or "slow on model X".
 */
import type { FakeReply, RecordedRequest, RequestMatch, Responder, ScriptEntry } from "./types.js";

interface Queued {
  entry: ScriptEntry;
  remaining: number;
}

function matches(
  match: RequestMatch | undefined,
  request: RecordedRequest,
  apiKey: string | undefined,
): boolean {
  if (!match) return true;
  if (match.wire !== undefined && match.wire !== request.wire) return false;
  if (match.model !== undefined && match.model !== request.model) return false;
  if (match.stream !== undefined && match.stream !== request.stream) return false;
  if (match.apiKey !== undefined && match.apiKey !== apiKey) return false;
  return true;
}

function withoutScriptFields(entry: ScriptEntry): FakeReply {
  const { match: _match, times: _times, ...reply } = entry;
  return reply as FakeReply;
}

export class Script {
  readonly #queue: Queued[] = [];
  readonly #responders: Responder[] = [];

  add(items: Array<ScriptEntry | Responder>): void {
    for (const item of items) {
      if (typeof item === "function") this.#responders.push(item);
      else this.#queue.push({ entry: item, remaining: item.times ?? 1 });
    }
  }

  /** The scripted reply for this request, consuming it; undefined means "use the default". */
  next(request: RecordedRequest, apiKey: string | undefined): FakeReply | undefined {
    const index = this.#queue.findIndex((queued) => matches(queued.entry.match, request, apiKey));
    if (index >= 0) {
      const queued = this.#queue[index]!;
      queued.remaining -= 1;
      if (queued.remaining <= 0) this.#queue.splice(index, 1);
      return withoutScriptFields(queued.entry);
    }
    for (const responder of this.#responders) {
      const reply = responder(request);
      if (reply) return reply;
    }
    return undefined;
  }

  /** Replies still queued (a test that scripted N failures can assert they were all used). */
  pending(): number {
    return this.#queue.reduce((sum, queued) => sum + queued.remaining, 0);
  }

  reset(): void {
    this.#queue.length = 0;
    this.#responders.length = 0;
  }
}
