import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { startTestPostgres, type TestPostgres } from "../../../test/support/postgres.js";
import { postgresForTests } from "../../../test/support/postgres-url.js";
import { StoreCorruptError, StoreUnavailableError } from "../../errors/index.js";
import type { Store } from "../../spec/index.js";
import { openStore } from "../index.js";
import { newRun, rejectionOf } from "../testing/fixtures.js";
import { describeStoreContract } from "../testing/store-contract.js";
import { openPostgresStore } from "./index.js";

const server = await postgresForTests();

/** The server URL with a per-test schema: every test gets an empty database without creating one. */
function withSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set("schema", schema);
  return parsed.toString();
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

const freshSchema = (): string => `t_${process.pid}_${randomBytes(4).toString("hex")}`;

if (server.url === undefined) {
  describe.skip(`store contract: postgres — skipped: ${server.skipReason}`, () => {
    it("runs the store contract against a real PostgreSQL", () => undefined);
  });
} else {
  const url = server.url;

  describeStoreContract("postgres", async () => {
    const schema = freshSchema();
    return {
      open: (options) => openPostgresStore(withSchema(url, schema), { maxConnections: 4, ...options }),
      sharesData: true,
      cleanup: () => dropSchema(url, schema),
    };
  });

  describe("postgres store specifics", () => {
    it("an unreachable server gives StoreUnavailableError naming host:port, never the password", async () => {
      const error = await rejectionOf(
        openStore("postgres://quorum:s3cr3t-pw@127.0.0.1:1/quorum", { connectTimeoutMs: 2_000 }),
      );
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.message).toContain("127.0.0.1:1/quorum");
      expect(error.message).not.toContain("s3cr3t-pw");
      expect(error.message).toMatch(/ECONNREFUSED/);
    });

    it("a missing database gives StoreUnavailableError", async () => {
      const missing = new URL(url);
      missing.pathname = "/no_such_database";
      const error = await rejectionOf(openPostgresStore(missing.toString()));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.message).toMatch(/database does not exist/);
    });

    it("a schema holding another application's tables is refused", async () => {
      const schema = freshSchema();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.users (id int)`);
      await client.end();
      try {
        const error = await rejectionOf(openPostgresStore(withSchema(url, schema)));
        expect(error).toBeInstanceOf(StoreCorruptError);
        expect(error.message).toMatch(/another application \(users\)/);
      } finally {
        await dropSchema(url, schema);
      }
    });

    it("schemas isolate stores sharing one database", async () => {
      const [a, b] = [freshSchema(), freshSchema()];
      const storeA = await openPostgresStore(withSchema(url, a));
      const storeB = await openPostgresStore(withSchema(url, b));
      try {
        await storeA.createRun(newRun("run-1"));
        expect(await storeB.getRun("run-1")).toBeUndefined();
        expect(storeA.target).not.toContain("@");
      } finally {
        await storeA.close();
        await storeB.close();
        await dropSchema(url, a);
        await dropSchema(url, b);
      }
    });

    it("the LISTEN connection comes back after it is killed, and wakes waiters", async () => {
      const schema = freshSchema();
      const store = await openPostgresStore(withSchema(url, schema));
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await store.waitForWork(undefined, 10); // starts listening
        const killed = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1",
          [`LISTEN ${schema}_work`],
        );
        expect(killed.rowCount).toBe(1);
        // Reconnecting wakes the waiter: notifications sent meanwhile may have been missed.
        expect(await store.waitForWork(undefined, 10_000)).toBe("notified");
        await store.claimRuns("worker-a", 0, 1_000);
        const woken = store.waitForWork(undefined, 10_000);
        setTimeout(() => void store.createRun(newRun("run-1")), 20);
        expect(await woken).toBe("notified");
      } finally {
        await admin.end();
        await store.close();
        await dropSchema(url, schema);
      }
    });

    it("four workers on four pools claim 200 runs with no run claimed twice", async () => {
      const schema = freshSchema();
      const stores: Store[] = [];
      try {
        for (let i = 0; i < 4; i++)
          stores.push(await openPostgresStore(withSchema(url, schema), { maxConnections: 3 }));
        const [first] = stores;
        for (let i = 0; i < 200; i++) await first?.createRun(newRun(`run-${i}`));
        const owners = new Map<string, string>();
        await Promise.all(
          stores.map(async (store, index) => {
            const worker = `worker-${index}`;
            for (;;) {
              const claimed = await store.claimRuns(worker, 3, 60_000);
              if (claimed.length === 0) return;
              for (const run of claimed) {
                expect(owners.get(run.id), `${run.id} claimed twice`).toBeUndefined();
                owners.set(run.id, worker);
              }
            }
          }),
        );
        expect(owners.size).toBe(200);
        expect(new Set(owners.values()).size).toBeGreaterThan(1);
      } finally {
        for (const store of stores) await store.close();
        await dropSchema(url, schema);
      }
    }, 60_000);
  });
}

describe("postgres store when the server goes away", () => {
  it("queries and waits fail with StoreUnavailableError naming host:port", async () => {
    let cluster: TestPostgres;
    try {
      cluster = await startTestPostgres();
    } catch (error) {
      if (process.env.CI) throw error;
      console.warn(`skipped: cannot start a private PostgreSQL cluster: ${(error as Error).message}`);
      return;
    }
    const store = await openPostgresStore(cluster.url, { connectTimeoutMs: 2_000 });
    try {
      await store.createRun(newRun("run-1"));
      await cluster.stop();
      const error = await rejectionOf(store.getRun("run-1"));
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.message).toContain(new URL(cluster.url).port);
      await expect(
        store.appendEvents("run-1", 0, [{ type: "step-start", stepId: "a", attempt: 1 }]),
      ).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.waitForWork(undefined, 100)).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close().catch(() => undefined);
      await cluster.stop();
    }
  }, 60_000);
});
