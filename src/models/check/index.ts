/** Health checks of configured providers: `quorum models check`. */
export {
  checkKeys,
  type KeyCheck,
  type KeyCheckOptions,
  type KeyStatus,
  keysWithAliases,
} from "./key-check.js";
