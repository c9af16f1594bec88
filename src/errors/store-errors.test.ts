import { describe, expect, it } from "vitest";
import {
  isStoreFailure,
  StoreConflictError,
  StoreCorruptError,
  StoreUnavailableError,
} from "./store-errors.js";

describe("isStoreFailure", () => {
  const full = new StoreUnavailableError("/x/q.db", "the disk is full", "Free some space.");

  it("finds the store failing however it surfaces: itself, by name, or as the cause of a wrapper", () => {
    expect(isStoreFailure(full)).toBe(true);
    expect(isStoreFailure(new StoreCorruptError("/x/q.db", "not a database"))).toBe(true);
    expect(isStoreFailure(Object.assign(new Error("rebuilt"), { name: "StoreUnavailableError" }))).toBe(true);
    expect(isStoreFailure(new Error("settling the ledger failed", { cause: full }))).toBe(true);
  });

  it("is false for anything else, a lost race included (the writer handles those)", () => {
    expect(isStoreFailure(new StoreConflictError("seq", "r1", "3", "4"))).toBe(false);
    expect(isStoreFailure(new TypeError("boom"))).toBe(false);
    expect(isStoreFailure("a string")).toBe(false);
    expect(isStoreFailure(undefined)).toBe(false);
  });
});
