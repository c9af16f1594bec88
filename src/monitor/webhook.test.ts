/** Webhook delivery against a real HTTP server on loopback: body, retries with backoff, timeouts. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { NewAlertEvent } from "../spec/index.js";
import { type DeliveryResult, displayUrl, WebhookNotifier } from "./webhook.js";

const event: NewAlertEvent = {
  rule: "errors",
  state: "firing",
  atMs: 1000,
  metric: "error-rate",
  value: 0.5,
  threshold: 0.1,
  windowMs: 3_600_000,
  message: "FIRING: errors",
};

interface Received {
  body: unknown;
  headers: IncomingMessage["headers"];
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse, n: number) => void): Promise<{
  url: string;
  received: Received[];
}> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => {
      text += chunk;
    });
    req.on("end", () => {
      received.push({ body: JSON.parse(text), headers: req.headers });
      handler(req, res, received.length);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/hook`, received };
}

const collect = () => {
  const results: DeliveryResult[] = [];
  return { results, onResult: (r: DeliveryResult) => results.push(r) };
};

describe("WebhookNotifier", () => {
  it("POSTs the documented JSON body with configured headers", async () => {
    const { url, received } = await listen((_req, res) => res.writeHead(204).end());
    const { results, onResult } = collect();
    const notifier = new WebhookNotifier({
      targets: [{ url, timeoutMs: 2000, retries: 0, headers: { "x-team": "ops" } }],
      onResult,
    });
    notifier.notify(event);
    await notifier.flush();
    expect(received).toHaveLength(1);
    expect(received[0]?.body).toEqual({ source: "quorum", version: 1, alert: event });
    expect(received[0]?.headers["content-type"]).toBe("application/json");
    expect(received[0]?.headers["x-team"]).toBe("ops");
    expect(results).toEqual([{ url, rule: "errors", state: "firing", ok: true, attempts: 1, status: 204 }]);
  });

  it("retries 5xx with doubling backoff until it succeeds", async () => {
    const { url, received } = await listen((_req, res, n) => res.writeHead(n < 3 ? 503 : 200).end());
    const { results, onResult } = collect();
    const sleeps: number[] = [];
    const notifier = new WebhookNotifier({
      targets: [{ url, timeoutMs: 2000, retries: 3, headers: {} }],
      onResult,
      backoffMs: 100,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });
    notifier.notify(event);
    await notifier.flush();
    expect(received).toHaveLength(3);
    expect(sleeps).toEqual([100, 200]);
    expect(results[0]).toMatchObject({ ok: true, attempts: 3, status: 200 });
  });

  it("gives up on a 4xx at once and reports it", async () => {
    const { url, received } = await listen((_req, res) => res.writeHead(404).end());
    const { results, onResult } = collect();
    const notifier = new WebhookNotifier({
      targets: [{ url, timeoutMs: 2000, retries: 3, headers: {} }],
      onResult,
    });
    notifier.notify(event);
    await notifier.flush();
    expect(received).toHaveLength(1);
    expect(results[0]).toMatchObject({ ok: false, attempts: 1, status: 404, error: "HTTP 404" });
  });

  it("never blocks the caller: notify returns before a slow receiver answers, and times out", async () => {
    const { url } = await listen(() => {
      /* never answers */
    });
    const { results, onResult } = collect();
    const notifier = new WebhookNotifier({
      targets: [{ url, timeoutMs: 150, retries: 1, headers: {} }],
      onResult,
      backoffMs: 10,
    });
    notifier.notify(event);
    // notify only queued the delivery: nothing has been attempted to the end yet.
    expect(results).toEqual([]);
    await notifier.flush();
    expect(results[0]).toMatchObject({ ok: false, attempts: 2, error: "no answer within 150 ms" });
    server?.closeAllConnections();
  });

  it("reports a refused connection with its cause", async () => {
    const { url } = await listen(() => undefined);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const { results, onResult } = collect();
    const notifier = new WebhookNotifier({
      targets: [{ url, timeoutMs: 1000, retries: 0, headers: {} }],
      onResult,
    });
    notifier.notify(event);
    await notifier.flush();
    expect(results[0]).toMatchObject({ ok: false, attempts: 1 });
    expect(results[0]?.error).toMatch(/ECONNREFUSED/);
  });
});

describe("displayUrl", () => {
  it("never prints the secret part of a hook URL", () => {
    expect(displayUrl("https://hooks.slack.com/services/T000/B000/XXXXSECRET")).toBe(
      "https://hooks.slack.com/…",
    );
    expect(displayUrl("https://example.com/hook?token=abc")).toBe("https://example.com/…");
    expect(displayUrl("https://user:pw@example.com")).toBe("https://example.com/…");
    expect(displayUrl("http://127.0.0.1:8080/")).toBe("http://127.0.0.1:8080");
    expect(displayUrl("not a url")).toBe("(invalid url)");
  });
});
