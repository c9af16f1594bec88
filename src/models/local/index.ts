/** In-process GGUF models through node-llama-cpp (an optional peer dependency, loaded lazily). */
export {
  configuredLocalPaths,
  localModelIds,
  localUnavailableReason,
  pulledModelNames,
} from "./from-catalog.js";
export { defaultLocalMaxOutputTokens } from "./generate.js";
export { LocalLanguageModel, type LocalModelOptions } from "./local-language-model.js";
export { hostSettingsFromEnv, type LocalHostSettings } from "./model-host.js";
export {
  defaultModelsDir,
  LocalModelNotFoundError,
  modelNameOf,
  resolveLocalModelPath,
} from "./model-path.js";
export { LocalRuntimeMissingError, nodeLlamaCppInstalled } from "./node-llama.js";
export {
  fileNameForUrl,
  PullError,
  type PullOptions,
  type PullProgress,
  type PullResult,
  pullModel,
} from "./pull.js";
export { type PullAlias, pullAlias, pullAliases } from "./pull-aliases.js";
