import type { Rule } from "./rule.js";

/** Every rule, in the order their issues are most useful to read. */
export const allRules: readonly Rule[] = [];
