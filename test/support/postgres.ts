/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a fresh temp dir, `pg_ctl start` on a random free
 * port (fsync on, so numbers and crash behaviour match production), one database, and a `stop()` that
 * removes everything. Used once per test run from `postgres-global-setup.ts`.
 *
 * Why not docker or a shared server: CI machines reach only package registries, and the PostgreSQL
 * binaries are already installed under /usr/lib/postgresql/<version>/bin.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/quorum_test` — no password: trust auth on loopback only. */
  url: string;
  /** Stops the cluster and deletes its directory. Safe to call twice. */
  stop(): Promise<void>;
}

/** Why a cluster could not be started; tests skip (or, under CI, fail) with this text. */
export class PostgresUnavailable extends Error {
  override name = "PostgresUnavailable";
}

/** Where versioned PostgreSQL installs live (Debian layout); override with QUORUM_TEST_POSTGRES_ROOT. */
const POSTGRES_ROOT = process.env.QUORUM_TEST_POSTGRES_ROOT ?? "/usr/lib/postgresql";

/** Highest installed major version's bin directory, found at run time so a 16 or 17 install also works. */
export function findPostgresBin(root = POSTGRES_ROOT): string | undefined {
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], "bin");
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** initdb/pg_ctl refuse to run as root: run them as `postgres` via runuser when we are root. */
function runAsPostgres(binary: string, args: string[]): string {
  const asRoot = process.getuid?.() === 0;
  const [command, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
  return execFileSync(command, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function describeFailure(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr;
  return (stderr?.trim() || (error as Error).message).split("\n").slice(-5).join("\n");
}

/** Starts a fresh cluster. Throws `PostgresUnavailable` with the reason when it cannot. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (bin === undefined) {
    throw new PostgresUnavailable(
      `no PostgreSQL binaries under ${POSTGRES_ROOT}/<version>/bin; install postgresql (apt-get install postgresql) or set QUORUM_TEST_POSTGRES_URL`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "quorum-pg-"));
  const dataDir = join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  try {
    chmodSync(dir, 0o700);
    if (asRoot) execFileSync("chown", ["postgres:postgres", dir]);
    runAsPostgres(join(bin, "initdb"), [
      "-D",
      dataDir,
      "-U",
      "postgres",
      "--auth=trust",
      "--encoding=UTF8",
      "--no-sync",
    ]);
    const port = await freePort();
    const options = `-p ${port} -c fsync=on -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=200`;
    runAsPostgres(join(bin, "pg_ctl"), [
      "start",
      "-w",
      "-t",
      "30",
      "-D",
      dataDir,
      "-l",
      join(dir, "log"),
      "-o",
      options,
    ]);
    runAsPostgres(join(bin, "createdb"), [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-U",
      "postgres",
      "quorum_test",
    ]);
    let stopped = false;
    return {
      url: `postgres://postgres@127.0.0.1:${port}/quorum_test`,
      async stop() {
        if (stopped) return;
        stopped = true;
        try {
          runAsPostgres(join(bin, "pg_ctl"), ["stop", "-w", "-m", "immediate", "-D", dataDir]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    try {
      runAsPostgres(join(bin, "pg_ctl"), ["stop", "-m", "immediate", "-D", dataDir]);
    } catch {
      // Not started: nothing to stop.
    }
    rmSync(dir, { recursive: true, force: true });
    throw new PostgresUnavailable(
      `could not start a throwaway PostgreSQL from ${bin}: ${describeFailure(error)}`,
    );
  }
}
