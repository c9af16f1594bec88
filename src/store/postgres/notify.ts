/**
 * Wake-ups for PostgreSQL: one dedicated connection LISTENs on the schema's channel; every NOTIFY sent by
 * any process (run created, resumed or released) wakes this store's waiters. Opened lazily by the first
 * `waitForWork`, so stores that never wait (CLI, API) hold no extra connection. If the connection drops it
 * reconnects with backoff; waiters then wake once, because notifications may have been missed meanwhile.
 */
import pg from "pg";
import { WorkSignal } from "../work-signal.js";
import { clientConfig, mapPostgresError, type PostgresTarget } from "./connection.js";

const MAX_RECONNECT_DELAY_MS = 30_000;

export class PostgresListener {
  readonly signal = new WorkSignal();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private reconnectDelayMs = 250;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly target: PostgresTarget,
    private readonly connectTimeoutMs: number,
  ) {}

  /**
   * Ensures the LISTEN connection is up. Returns true when it was just (re)established: the caller must
   * treat that as a wake-up, since notifications sent before it were not seen.
   */
  async ensure(): Promise<boolean> {
    if (this.client !== undefined) return false;
    this.connecting ??= this.connect().finally(() => {
      this.connecting = undefined;
    });
    await this.connecting;
    return true;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(clientConfig(this.target, this.connectTimeoutMs));
    client.on("notification", () => this.signal.notify());
    client.on("error", () => this.lost(client));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.target.channel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw mapPostgresError(error, this.target);
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectDelayMs = 250;
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    const delayMs = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(delayMs * 2, MAX_RECONNECT_DELAY_MS);
    this.reconnectTimer = setTimeout(() => {
      this.ensure().then(
        () => this.signal.notify(),
        () => this.scheduleReconnect(),
      );
    }, delayMs);
    this.reconnectTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.signal.abortAll();
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}
