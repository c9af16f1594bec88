/**
 * A protocol-faithful fake LLM provider on `node:http`: OpenAI chat completions and Anthropic
 * messages, scripted faults, enforced per-key rate limits and a full request log. Tests point the
 * real AI SDK providers at it (`baseURL: fake.baseURL`) so retries, streaming, cancellation and cost
 * accounting are exercised over real HTTP, not against a mock of our own assumptions.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { anthropicWire } from "./anthropic-wire.js";
import { geminiRoute, geminiWire, isGeminiModelList } from "./gemini-wire.js";
import { listModels } from "./models-route.js";
import { openaiWire } from "./openai-wire.js";
import { SlidingWindowLimiter } from "./rate-limit.js";
import { apiKeyOf, KeyLedger, keyHint, redactHeaders } from "./recorder.js";
import { type Exchange, respond } from "./respond.js";
import { Script } from "./script.js";
import type { FakeProviderOptions, KeyCounters, RecordedRequest, Responder, ScriptEntry } from "./types.js";
import type { WireAdapter } from "./wire.js";

export interface FakeProvider {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `url + "/v1"`: what AI SDK providers take as `baseURL`. */
  baseURL: string;
  /** `url + "/v1beta"`: the `baseURL` for `@ai-sdk/google` (Gemini's `generateContent` wire). */
  geminiBaseURL: string;
  /** Every request in arrival order (entries are updated as their responses progress). */
  requests: RecordedRequest[];
  /** Queues replies and/or adds responder functions; returns the provider for chaining. */
  script(...items: Array<ScriptEntry | Responder>): FakeProvider;
  /** Scripted replies not used yet. */
  pending(): number;
  /** Counters per key hint (`…abcd`, `(none)`). */
  counters(): Record<string, KeyCounters>;
  /** Counters for one full key (or requests without a key). */
  countersFor(apiKey?: string): KeyCounters;
  /** Forgets requests, script, counters and rate-limit windows; numbering restarts at 1. */
  reset(): void;
  /** Closes the server and every open connection (hanging requests included). */
  stop(): Promise<void>;
}

const routes: Record<string, WireAdapter> = { "/chat/completions": openaiWire, "/messages": anthropicWire };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Starts a fake provider on 127.0.0.1 at a free port. */
export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const now = options.now ?? Date.now;
  const requests: RecordedRequest[] = [];
  const script = new Script();
  const ledger = new KeyLedger();
  const limiter = new SlidingWindowLimiter((key) => options.rateLimitByKey?.[key] ?? options.rateLimit, now);
  const sockets = new Set<Socket>();
  let seq = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAtMs = now();
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    const route = path.replace(/^\/v1(?=\/)/, "");
    // Gemini names the model and the streaming mode in the path, not the body.
    const gemini = geminiRoute(path);
    const adapter = gemini ? geminiWire : routes[route];
    const isAnthropicClient =
      req.headers["anthropic-version"] !== undefined || req.headers["x-api-key"] !== undefined;
    const text = await readBody(req);
    const parsed = parseJson(text);
    const body =
      parsed.ok && typeof parsed.value === "object" && parsed.value !== null
        ? (parsed.value as Record<string, unknown>)
        : {};
    const apiKey = apiKeyOf(req.headers);
    const key = apiKey ?? "";
    const request: RecordedRequest = {
      seq: ++seq,
      method: req.method ?? "GET",
      path,
      ...(adapter ? { wire: adapter.wire } : {}),
      headers: redactHeaders(req.headers),
      body: parsed.ok ? parsed.value : text,
      ...(gemini ? { model: gemini.model } : typeof body.model === "string" ? { model: body.model } : {}),
      stream: gemini ? gemini.stream : body.stream === true,
      apiKeyHint: keyHint(apiKey),
      receivedAtMs,
      clientAborted: false,
      insideRetryAfterWindow: ledger.isInsideRetryAfter(key, receivedAtMs),
    };
    requests.push(request);
    const counters = ledger.counters(key);
    counters.requests++;
    if (request.insideRetryAfterWindow) counters.insideRetryAfterWindow++;
    counters.inFlight++;
    counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);

    const closing = new AbortController();
    let destroyedByServer = false;
    res.on("close", () => {
      counters.inFlight--;
      if (!res.writableFinished && !destroyedByServer) request.clientAborted = true;
      closing.abort();
    });

    const wire =
      adapter ?? (path.startsWith("/v1beta/") ? geminiWire : isAnthropicClient ? anthropicWire : openaiWire);
    const exchange: Exchange = {
      res,
      adapter: wire,
      request,
      body,
      context: {
        seq: request.seq,
        model: request.model ?? "fake-model",
        createdSeconds: Math.floor(receivedAtMs / 1000),
      },
      schema: adapter?.schemaRequest(body),
      defaultText: options.defaultText ?? "OK",
      closed: closing.signal,
      now,
      onStatus(status, outcome) {
        request.status = status;
        request.outcome = outcome;
        counters.statuses[status] = (counters.statuses[status] ?? 0) + 1;
      },
      onRetryAfter(waitMs) {
        ledger.announceRetryAfter(key, now() + waitMs);
      },
      destroy() {
        destroyedByServer = true;
        // Flush what was written (headers, first chunks), then drop the connection mid-body.
        res.socket?.destroySoon();
      },
    };
    const fail = (status: number, outcome: string, message: string, headers: Record<string, string> = {}) => {
      exchange.onStatus(status, outcome);
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(wire.errorBody(status, undefined, message)));
    };

    if (options.apiKeys && !options.apiKeys.includes(key))
      return fail(401, "unauthorized", "invalid x-api-key / bearer token");
    if (req.method === "GET" && (route === "/models" || isGeminiModelList(path)))
      return listModels(
        exchange,
        isGeminiModelList(path) ? "gemini" : isAnthropicClient ? "anthropic" : "openai",
        options.models ?? [],
      );
    if (!adapter) return fail(404, "not-found", `no route ${req.method} ${path}`);
    if (req.method !== "POST") return fail(405, "method-not-allowed", `${req.method} ${path} is not allowed`);
    if (!parsed.ok) return fail(400, "bad-request", "request body is not valid JSON");

    const admission = limiter.admit(key);
    if (!admission.admitted) {
      counters.overLimit++;
      ledger.announceRetryAfter(key, now() + admission.retryAfterMs);
      return fail(429, "rate-limited", "rate limit reached for requests", {
        "retry-after": String(Math.ceil(admission.retryAfterMs / 1000)),
        "retry-after-ms": String(admission.retryAfterMs),
      });
    }
    await respond(exchange, script.next(request, apiKey) ?? { type: "default" });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { message: `fake provider crashed: ${String(error)}`, type: "server_error" },
        }),
      );
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const provider: FakeProvider = {
    url,
    baseURL: `${url}/v1`,
    geminiBaseURL: `${url}/v1beta`,
    requests,
    script(...items) {
      script.add(items);
      return provider;
    },
    pending: () => script.pending(),
    counters: () => ledger.snapshot(keyHint),
    countersFor: (apiKey) => ledger.peek(apiKey ?? ""),
    reset() {
      seq = 0;
      requests.length = 0;
      script.reset();
      ledger.reset();
      limiter.reset();
    },
    stop() {
      return new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      });
    },
  };
  return provider;
}
