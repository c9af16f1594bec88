/**
 * Connecting to PostgreSQL: one pool for queries, a `search_path` pinned to quorum's own schema (default
 * `quorum`, `?schema=` to change) so our tables never clash with an application's, BIGINT parsed as a JS
 * number, and driver errors turned into store errors that name `host:port/database` — never the password.
 */
import pg from "pg";
import { StoreUnavailableError, StoreUrlError } from "../../errors/index.js";

export const DEFAULT_MAX_CONNECTIONS = 10;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

export interface PostgresTarget {
  /** Connection string without our own `schema` parameter. */
  readonly connectionString: string;
  readonly schema: string;
  /** `host:port/database`: safe to print. */
  readonly display: string;
  /** NOTIFY channel, per schema so two quorum schemas in one database do not wake each other. */
  readonly channel: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,50}$/;

export function postgresTarget(url: string): PostgresTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreUrlError("invalid PostgreSQL URL; expected postgres://user:password@host:port/database");
  }
  const schema = parsed.searchParams.get("schema") ?? "quorum";
  if (!IDENTIFIER.test(schema)) {
    throw new StoreUrlError(
      `invalid schema '${schema}' in the PostgreSQL URL; use lowercase letters, digits and _`,
    );
  }
  parsed.searchParams.delete("schema");
  const host = parsed.hostname || parsed.searchParams.get("host") || "localhost";
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, "")) || "(default database)";
  return {
    connectionString: parsed.toString(),
    schema,
    display: `${host}:${parsed.port || "5432"}/${database}`,
    channel: `${schema}_work`,
  };
}

const INT8_OID = 20;

/** Client settings shared by the pool and the LISTEN connection. */
export function clientConfig(target: PostgresTarget, connectTimeoutMs: number): pg.ClientConfig {
  return {
    connectionString: target.connectionString,
    connectionTimeoutMillis: connectTimeoutMs,
    application_name: "quorum",
    options: `-c search_path=${target.schema}`,
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID && format !== "binary"
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig["getTypeParser"],
    },
  };
}

export function createPool(
  target: PostgresTarget,
  maxConnections: number,
  connectTimeoutMs: number,
): pg.Pool {
  const pool = new pg.Pool({ ...clientConfig(target, connectTimeoutMs), max: maxConnections });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on("error", () => undefined);
  return pool;
}

const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);
const UNAVAILABLE_SQLSTATE: Record<string, string> = {
  "28P01": "authentication failed",
  "28000": "authentication failed",
  "3D000": "the database does not exist",
  "42501": "permission denied",
  "53300": "too many connections",
  "57P01": "the server is shutting down",
  "57P02": "the server is shutting down",
  "57P03": "the server is starting up or in recovery",
};

/** Driver error → store error; anything else is returned unchanged. */
export function mapPostgresError(error: unknown, target: PostgresTarget): unknown {
  if (error instanceof StoreUnavailableError) return error;
  const code = (error as { code?: unknown }).code;
  const message = (error as Error)?.message ?? String(error);
  const hint = `Check that PostgreSQL is running and reachable at ${target.display} and that QUORUM_DB has the right host, port, user, password and database.`;
  if (typeof code === "string" && UNREACHABLE.has(code)) {
    return new StoreUnavailableError(target.display, `cannot connect (${code})`, hint, { cause: error });
  }
  if (typeof code === "string" && code in UNAVAILABLE_SQLSTATE) {
    return new StoreUnavailableError(
      target.display,
      `${UNAVAILABLE_SQLSTATE[code]} (SQLSTATE ${code})`,
      hint,
      { cause: error },
    );
  }
  if (/timeout|Connection terminated|not queryable/i.test(message) && code === undefined) {
    return new StoreUnavailableError(target.display, `connection failed (${message})`, hint, {
      cause: error,
    });
  }
  return error;
}
