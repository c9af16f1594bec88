/**
 * Load `quorum.alerts.yaml` with the same parse -> shape pipeline and issue format as workflows and the
 * config, so a wrong threshold is reported with file, line, column and path, all problems in one pass.
 */
import { AlertsFile, type Issue } from "../spec/index.js";
import { codes } from "./codes.js";
import type { FileSystem } from "./file-system.js";
import { nodeFileSystem } from "./file-system.js";
import { zodIssues } from "./shape.js";
import { issueAt } from "./source.js";
import { readYamlMapping } from "./yaml-mapping.js";

export const alertsFileName = "quorum.alerts.yaml";

export interface AlertsResult {
  alerts?: AlertsFile;
  issues: Issue[];
}

export function loadAlerts(file: string, fs: FileSystem = nodeFileSystem): AlertsResult {
  const read = readYamlMapping(file, fs, { name: "alerts file", starts: "alerts: 1" });
  if ("issues" in read) return { issues: read.issues };
  const { value } = read;
  const parsed = { source: read.source };
  const issues = zodIssues(parsed.source, AlertsFile, value);
  const names = new Map<string, number>();
  const rules = (value as { rules?: unknown }).rules;
  if (Array.isArray(rules))
    for (const [index, rule] of rules.entries()) {
      const name = (rule as { name?: unknown })?.name;
      if (typeof name !== "string") continue;
      if (names.has(name))
        issues.push(
          issueAt(
            parsed.source,
            ["rules", index, "name"],
            codes.duplicateId,
            `rule name '${name}' is already used by rule ${names.get(name)! + 1}; give each rule its own name`,
          ),
        );
      else names.set(name, index);
    }
  return issues.length > 0 ? { issues } : { alerts: value as AlertsFile, issues: [] };
}
