/**
 * Load `quorum.alerts.yaml` with the same parse -> shape pipeline and issue format as workflows and the
 * config, so a wrong threshold is reported with file, line, column and path, all problems in one pass.
 */
import { AlertsFile, type Issue } from "../spec/index.js";
import { codes } from "./codes.js";
import type { FileSystem } from "./file-system.js";
import { nodeFileSystem } from "./file-system.js";
import { zodIssues } from "./shape.js";
import { issueAt, parseSource } from "./source.js";

export const alertsFileName = "quorum.alerts.yaml";

export interface AlertsResult {
  alerts?: AlertsFile;
  issues: Issue[];
}

export function loadAlerts(file: string, fs: FileSystem = nodeFileSystem): AlertsResult {
  const read = fs.readText(file);
  if ("error" in read)
    return {
      issues: [
        {
          code: codes.missingFile,
          severity: "error",
          file,
          path: "",
          message: `alerts file '${file}' ${read.error}`,
        },
      ],
    };
  const parsed = parseSource(file, read.text);
  if (parsed.issues.length > 0) return { issues: parsed.issues };
  const value = parsed.source.value;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    return {
      issues: [
        issueAt(
          parsed.source,
          [],
          codes.invalidValue,
          "the alerts file must be a mapping starting with alerts: 1",
        ),
      ],
    };
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
