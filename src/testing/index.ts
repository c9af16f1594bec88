/** Test helpers shipped with the library (`quorum/testing`). */
export * from "./workflow-builder.js";
