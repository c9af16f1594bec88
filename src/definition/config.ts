/**
 * Load `quorum.config.yaml` with the same parse -> shape pipeline and issue format as workflows.
 * A missing config file is not an error: quorum works from the environment alone.
 */
import { ConfigFile, type Issue } from "../spec/index.js";
import type { FileSystem } from "./file-system.js";
import { nodeFileSystem } from "./file-system.js";
import { zodIssues } from "./shape.js";
import { readYamlMapping } from "./yaml-mapping.js";

export const configFileName = "quorum.config.yaml";

export interface ConfigResult {
  config?: ConfigFile;
  issues: Issue[];
}

export function loadConfig(file: string, fs: FileSystem = nodeFileSystem): ConfigResult {
  const read = readYamlMapping(file, fs, { name: "config file", starts: "quorum: 1" });
  if ("issues" in read) return { issues: read.issues };
  const { source, value } = read;
  const issues = zodIssues(source, ConfigFile, value);
  return issues.length > 0 ? { issues } : { config: value as ConfigFile, issues: [] };
}
