/**
 * Load `quorum.config.yaml` with the same parse -> shape pipeline and issue format as workflows.
 * A missing config file is not an error: quorum works from the environment alone.
 */
import { ConfigFile, type Issue } from "../spec/index.js";
import { codes } from "./codes.js";
import type { FileSystem } from "./file-system.js";
import { nodeFileSystem } from "./file-system.js";
import { zodIssues } from "./shape.js";
import { issueAt, parseSource } from "./source.js";

export const configFileName = "quorum.config.yaml";

export interface ConfigResult {
  config?: ConfigFile;
  issues: Issue[];
}

export function loadConfig(file: string, fs: FileSystem = nodeFileSystem): ConfigResult {
  const read = fs.readText(file);
  if ("error" in read)
    return {
      issues: [
        {
          code: codes.missingFile,
          severity: "error",
          file,
          path: "",
          message: `config file '${file}' ${read.error}`,
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
          "the config file must be a mapping starting with quorum: 1",
        ),
      ],
    };
  const issues = zodIssues(parsed.source, ConfigFile, value);
  return issues.length > 0 ? { issues } : { config: value as ConfigFile, issues: [] };
}
