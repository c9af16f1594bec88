/** Small helpers every layer may use: no imports from the rest of quorum. */
export { makeDirectory } from "./directories.js";
