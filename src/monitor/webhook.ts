/**
 * Delivers alert transitions to webhooks: a JSON POST per transition and target, a timeout per attempt,
 * retries with exponential backoff. `notify` only queues and returns at once, so a slow or dead receiver
 * never holds up the monitor (nor anything that shares its process); `flush` waits for deliveries in flight.
 * Failures are reported through `onResult`, never thrown and never silent.
 */
import type { NewAlertEvent } from "../spec/index.js";
import type { WebhookTarget } from "./rules.js";

export interface DeliveryResult {
  readonly url: string;
  readonly rule: string;
  readonly state: NewAlertEvent["state"];
  readonly ok: boolean;
  readonly attempts: number;
  /** HTTP status of the last attempt, when one answered. */
  readonly status?: number;
  readonly error?: string;
}

export interface NotifierOptions {
  readonly targets: readonly WebhookTarget[];
  readonly onResult?: (result: DeliveryResult) => void;
  /** First retry delay; doubles per attempt. Default 500 ms. */
  readonly backoffMs?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The JSON body every webhook receives (docs/monitoring.md). */
export interface AlertPayload {
  readonly source: "quorum";
  readonly version: 1;
  readonly alert: NewAlertEvent;
}

export class WebhookNotifier {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: NotifierOptions) {
    this.fetchFn = options.fetch ?? fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms).unref?.()));
  }

  /** Queues delivery of `event` to every target; returns immediately. */
  notify(event: NewAlertEvent): void {
    for (const target of this.options.targets) {
      const delivery = this.deliver(target, event).then((result) => this.options.onResult?.(result));
      this.inFlight.add(delivery);
      void delivery.finally(() => this.inFlight.delete(delivery));
    }
  }

  /** Resolves when every queued delivery has succeeded or given up. */
  async flush(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(target: WebhookTarget, event: NewAlertEvent): Promise<DeliveryResult> {
    const body = JSON.stringify({ source: "quorum", version: 1, alert: event } satisfies AlertPayload);
    const base = { url: target.url, rule: event.rule, state: event.state };
    let last: { status?: number; error?: string } = {};
    const attempts = target.retries + 1;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        const response = await this.fetchFn(target.url, {
          method: "POST",
          headers: { "content-type": "application/json", ...target.headers },
          body,
          signal: AbortSignal.timeout(target.timeoutMs),
        });
        await response.arrayBuffer().catch(() => undefined);
        if (response.ok) return { ...base, ok: true, attempts: attempt, status: response.status };
        last = { status: response.status, error: `HTTP ${response.status}` };
        // A 4xx other than 408/429 will not get better by asking again.
        if (response.status < 500 && response.status !== 408 && response.status !== 429) {
          return { ...base, ok: false, attempts: attempt, ...last };
        }
      } catch (error) {
        last = { error: describeFetchError(error, target.timeoutMs) };
      }
      if (attempt < attempts) await this.sleep((this.options.backoffMs ?? 500) * 2 ** (attempt - 1));
    }
    return { ...base, ok: false, attempts, ...last };
  }
}

/** `fetch failed` says nothing; its cause (ECONNREFUSED, a timeout) is what a person needs. */
function describeFetchError(error: unknown, timeoutMs: number): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  if (err.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  const cause = err.cause?.code ?? err.cause?.message;
  return cause ? `${err.message} (${cause})` : err.message;
}

/**
 * A webhook URL for printing: Slack, Teams and most chat hooks carry their secret in the path or query,
 * so only the origin is shown (`https://hooks.slack.com/…`).
 */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const hidden = parsed.pathname.length > 1 || parsed.search !== "" || parsed.username !== "";
    return `${parsed.protocol}//${parsed.host}${hidden ? "/…" : ""}`;
  } catch {
    return "(invalid url)";
  }
}
