/**
 * Cached probes of keyless model servers, so a call pays for a probe at most once per `ttlMs` per
 * server and concurrent calls share one probe in flight.
 */
import { defaultProbeTimeoutMs, probeServer, type ServerProbe } from "./availability.js";

export class ServerProbes {
  private readonly entries = new Map<
    string,
    { atMs: number; probe: Promise<ServerProbe>; result?: ServerProbe }
  >();

  constructor(
    private readonly fetch: typeof globalThis.fetch,
    private readonly now: () => number,
    private readonly ttlMs: number,
    private readonly timeoutMs = defaultProbeTimeoutMs,
  ) {}

  /** Probes each server whose last probe is missing or stale; resolves when all have answered. */
  async refresh(servers: ReadonlyArray<{ id: string; baseURL: string }>): Promise<void> {
    const pending: Array<Promise<ServerProbe>> = [];
    for (const server of servers) {
      const entry = this.entries.get(server.id);
      if (entry && this.now() - entry.atMs < this.ttlMs) {
        if (!entry.result) pending.push(entry.probe);
        continue;
      }
      const fresh: { atMs: number; probe: Promise<ServerProbe>; result?: ServerProbe } = {
        atMs: this.now(),
        probe: probeServer(server.baseURL, this.fetch, this.timeoutMs),
      };
      fresh.probe = fresh.probe.then((result) => {
        fresh.result = result;
        return result;
      });
      this.entries.set(server.id, fresh);
      pending.push(fresh.probe);
    }
    await Promise.all(pending);
  }

  /** The last finished probe of a server, if any. */
  known(id: string): ServerProbe | undefined {
    return this.entries.get(id)?.result;
  }
}
