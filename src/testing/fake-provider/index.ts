/**
 * A fake LLM provider over real HTTP for tests, and the schema example generator the `--dry-run`
 * stub model reuses. See docs/fake-provider.md.
 */
export { exampleFromPattern } from "../../models/dry-run/example-from-pattern.js";
export {
  exampleFromSchema,
  type JsonSchema,
  UnsatisfiableSchemaError,
} from "../../models/dry-run/example-from-schema.js";
export { type ReceivedEvent, readSse } from "./read-sse.js";
export { reply } from "./replies.js";
export { type FakeProvider, startFakeProvider } from "./server.js";
export type {
  FakeProviderOptions,
  FakeReply,
  KeyCounters,
  RateLimit,
  RecordedRequest,
  RequestMatch,
  Responder,
  ScriptEntry,
  Timing,
  Wire,
} from "./types.js";
