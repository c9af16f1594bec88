/**
 * The store conformance suite, for this repository's backends and for anyone writing another one.
 * Imports vitest: use it from test files only (never from production code).
 */
export * from "./contract-types.js";
export * as storeFixtures from "./fixtures.js";
export { describeStoreContract } from "./store-contract.js";
