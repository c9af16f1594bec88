/** Context windows: approximate token counts and dropping candidates that cannot hold the prompt. */
export { type FitResult, fitCandidates, withContextFit } from "./context-client.js";
export { countPromptTokens, countTextTokens, truncateToTokens, withCandidates } from "./tokens.js";
