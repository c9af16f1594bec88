/** Test helpers shipped with the library (`quorum/testing`). */

export * from "./fake-provider/index.js";
export * from "./gguf/index.js";
export * from "./scripted-models.js";
export * from "./workflow-builder.js";
