/** driveAndReport alone: a store failing mid-run is reported with the way back, not as a bare store error. */
import { describe, expect, it } from "vitest";
import { StoreUnavailableError } from "../../errors/index.js";
import { CliError, exitCodes } from "../errors.js";
import type { OpenRuntime } from "../runtime-context.js";
import { driveAndReport } from "./drive.js";

const io = { out: () => undefined, err: () => undefined, exit: () => undefined };

function failingWith(error: Error): OpenRuntime {
  return {
    runtime: { deps: {}, drive: () => Promise.reject(error) },
    store: {},
    workerId: "test",
    close: async () => undefined,
  } as unknown as OpenRuntime;
}

describe("driveAndReport", () => {
  it("says how to continue when the store fails mid-run (locked, disk full), exit 1", async () => {
    const locked = new StoreUnavailableError(
      "/x/q.db",
      "the database stayed locked by another connection for more than 5000 ms",
      "Retry when the other process is done.",
    );
    const error = await driveAndReport(failingWith(locked), "run_1", io, { json: true }).catch((e) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(exitCodes.failed);
    expect((error as Error).message).toMatch(
      /^store \/x\/q\.db is unavailable: .* nothing journaled is lost\. Continue it with 'quorum resume run_1'/,
    );
  });

  it("lets any other error through as it is", async () => {
    const bug = new TypeError("boom");
    await expect(driveAndReport(failingWith(bug), "run_1", io, { json: true })).rejects.toBe(bug);
  });
});
