import { describe, expect, it } from "vitest";
import { StoreCorruptError, StoreNotFoundError, StoreUnavailableError } from "../errors/index.js";
import { RunBusyError, RunNotFoundError } from "../runtime/errors.js";
import { CliError, exitCodeFor, exitCodes } from "./errors.js";

describe("exitCodeFor", () => {
  it("a store that is down or a run another process drives is a failure a script may retry (1)", () => {
    expect(exitCodeFor(new StoreUnavailableError("db:5432/q", "cannot connect", "Start it."))).toBe(
      exitCodes.failed,
    );
    expect(exitCodeFor(new RunBusyError("r1"))).toBe(exitCodes.failed);
  });

  it("a mistake in what the user named is a usage error (2)", () => {
    expect(exitCodeFor(new RunNotFoundError("r1"))).toBe(exitCodes.usage);
    expect(exitCodeFor(new StoreNotFoundError("run", "r1"))).toBe(exitCodes.usage);
    expect(exitCodeFor(new StoreCorruptError("/tmp/x.db", "not a database"))).toBe(exitCodes.usage);
  });

  it("a CLI error keeps its own code; anything else is internal (undefined: reported as a bug)", () => {
    expect(exitCodeFor(new CliError("waiting", exitCodes.waiting))).toBe(exitCodes.waiting);
    expect(exitCodeFor(new TypeError("x is undefined"))).toBeUndefined();
    expect(exitCodeFor(undefined)).toBeUndefined();
  });
});
