/**
 * Carries out one scripted reply on one HTTP exchange, in the protocol the client spoke. Every
 * wait is cut short when the client goes away, so an aborted call leaves no timer behind.
 */
import type { ServerResponse } from "node:http";
import type { TokenUsage } from "../../models/cost.js";
import { exampleFromSchema } from "../../models/dry-run/example-from-schema.js";
import type { FakeReply, RecordedRequest } from "./types.js";
import {
  type Content,
  encodeSse,
  type ResponseContext,
  type SchemaRequest,
  type SseEvent,
  type WireAdapter,
} from "./wire.js";

export interface Exchange {
  res: ServerResponse;
  adapter: WireAdapter;
  request: RecordedRequest;
  body: Record<string, unknown>;
  context: ResponseContext;
  schema: SchemaRequest | undefined;
  defaultText: string;
  /** Aborted when the connection closes. */
  closed: AbortSignal;
  now: () => number;
  /** Called with the status of every response started, for counters. */
  onStatus(status: number, outcome: string): void;
  /** Called when a response tells the client to wait `retryAfterMs`. */
  onRetryAfter(retryAfterMs: number): void;
  /** Destroys the socket on purpose (not a client abort). */
  destroy(): void;
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function delay(ms: number | undefined, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (!ms || ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

const estimateTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function contentOf(reply: FakeReply, exchange: Exchange): Content {
  const json = (value: unknown): Content =>
    exchange.schema?.via === "json-tool"
      ? { kind: "tool-calls", calls: [{ name: "json", input: value }] }
      : { kind: "text", text: JSON.stringify(value), finishReason: "stop" };
  switch (reply.type) {
    case "text":
      return { kind: "text", text: reply.text, finishReason: reply.finishReason ?? "stop" };
    case "refusal-message":
      return { kind: "text", text: reply.text, finishReason: "refusal", refusalField: true };
    case "json":
      return json(reply.value);
    case "tool-calls":
      return { kind: "tool-calls", calls: reply.calls };
    default:
      return exchange.schema
        ? json(exampleFromSchema(exchange.schema.schema))
        : { kind: "text", text: exchange.defaultText, finishReason: "stop" };
  }
}

function usageOf(
  exchange: Exchange,
  content: Content,
  scripted: Partial<TokenUsage> | undefined,
): TokenUsage {
  const { body } = exchange;
  const prompt =
    JSON.stringify(body.messages ?? body.contents ?? "") +
    JSON.stringify(body.system ?? body.systemInstruction ?? "");
  const output = content.kind === "text" ? content.text : JSON.stringify(content.calls);
  return { inputTokens: estimateTokens(prompt), outputTokens: estimateTokens(output), ...scripted };
}

function sendJson(
  exchange: Exchange,
  status: number,
  outcome: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  exchange.onStatus(status, outcome);
  exchange.res.writeHead(status, { "content-type": "application/json", ...headers });
  exchange.res.end(JSON.stringify(body));
}

async function sendStream(
  exchange: Exchange,
  outcome: string,
  events: SseEvent[],
  chunkDelayMs?: number,
  cutAfterDeltas?: number,
) {
  const { res, closed } = exchange;
  exchange.onStatus(200, outcome);
  res.writeHead(200, {
    "content-type": "text/event-stream",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  let deltas = 0;
  for (const event of events) {
    if (cutAfterDeltas !== undefined && event.delta && deltas >= cutAfterDeltas) return exchange.destroy();
    if (closed.aborted) return;
    res.write(encodeSse(event));
    if (event.delta) deltas++;
    if (chunkDelayMs && !(await delay(chunkDelayMs, closed))) return;
  }
  if (cutAfterDeltas !== undefined) return exchange.destroy();
  res.end();
}

function retryAfterHeaders(
  reply: Extract<FakeReply, { type: "error" }>,
  now: number,
): [Record<string, string>, number?] {
  const headers: Record<string, string> = { ...reply.headers };
  let waitMs: number | undefined;
  if (reply.retryAfterSeconds !== undefined) {
    headers["retry-after"] = String(reply.retryAfterSeconds);
    waitMs = reply.retryAfterSeconds * 1000;
  }
  if (reply.retryAfterDate !== undefined) {
    headers["retry-after"] = reply.retryAfterDate.toUTCString();
    waitMs = Math.max(waitMs ?? 0, reply.retryAfterDate.getTime() - now);
  }
  if (reply.retryAfterMs !== undefined) {
    headers["retry-after-ms"] = String(reply.retryAfterMs);
    waitMs = Math.max(waitMs ?? 0, reply.retryAfterMs);
  }
  return [headers, waitMs];
}

/** Sends `reply` on the exchange; resolves when the response is finished or abandoned. */
export async function respond(exchange: Exchange, reply: FakeReply): Promise<void> {
  const { adapter, request, closed } = exchange;
  if (reply.type === "hang") {
    request.outcome = "hang";
    if (!closed.aborted)
      await new Promise((resolve) => closed.addEventListener("abort", resolve, { once: true }));
    return;
  }
  if (!(await delay(reply.latencyMs, closed))) return;
  switch (reply.type) {
    case "error": {
      const [headers, waitMs] = retryAfterHeaders(reply, exchange.now());
      if (waitMs !== undefined) exchange.onRetryAfter(waitMs);
      const message = reply.message ?? `fake provider error ${reply.status}`;
      return sendJson(
        exchange,
        reply.status,
        "error",
        adapter.errorBody(reply.status, reply.errorType, message),
        headers,
      );
    }
    case "stream-error": {
      const message = reply.message ?? "fake in-band error";
      if (!request.stream)
        return sendJson(exchange, 200, "stream-error", adapter.errorBody(500, reply.errorType, message));
      return sendStream(exchange, "stream-error", [adapter.errorEvent(reply.errorType, message)]);
    }
    case "malformed": {
      const raw = reply.body ?? '{"id": "truncated", "choices": [';
      if (request.stream) return sendStream(exchange, "malformed", [adapter.malformedEvent(raw)]);
      exchange.onStatus(200, "malformed");
      exchange.res.writeHead(200, { "content-type": "application/json" });
      return void exchange.res.end(raw);
    }
    case "disconnect": {
      const content: Content = {
        kind: "text",
        text: reply.text ?? exchange.defaultText,
        finishReason: "stop",
      };
      const usage = usageOf(exchange, content, undefined);
      if (request.stream) {
        const events = adapter.streamEvents(exchange.context, content, usage, {
          chunkChars: 1,
          includeUsage: true,
        });
        return sendStream(exchange, "disconnect", events, reply.chunkDelayMs, reply.afterChunks ?? 0);
      }
      exchange.onStatus(200, "disconnect");
      exchange.res.writeHead(200, { "content-type": "application/json" });
      const body = JSON.stringify(adapter.completionBody(exchange.context, content, usage));
      exchange.res.write(body.slice(0, Math.floor(body.length / 2)));
      return exchange.destroy();
    }
    default: {
      let content: Content;
      try {
        content = contentOf(reply, exchange);
      } catch (error) {
        // A real provider rejects a schema it cannot satisfy; so does the fake.
        return sendJson(
          exchange,
          400,
          "error",
          adapter.errorBody(400, undefined, `invalid schema: ${(error as Error).message}`),
        );
      }
      const usage = usageOf(exchange, content, "usage" in reply ? reply.usage : undefined);
      const outcome = reply.type;
      if (!request.stream)
        return sendJson(exchange, 200, outcome, adapter.completionBody(exchange.context, content, usage));
      const chunkChars = ("chunkChars" in reply ? reply.chunkChars : undefined) ?? 8;
      const includeUsage = adapter.wantsStreamUsage(exchange.body);
      return sendStream(
        exchange,
        outcome,
        adapter.streamEvents(exchange.context, content, usage, { chunkChars, includeUsage }),
        reply.chunkDelayMs,
      );
    }
  }
}
