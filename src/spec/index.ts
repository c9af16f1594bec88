export * from "./catalog.js";
export * from "./config-file.js";
export * from "./events.js";
export * from "./issue.js";
export * from "./plan.js";
export * from "./store.js";
export * from "./workflow.js";
export * from "./workflow-file.js";
