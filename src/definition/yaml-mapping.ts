/**
 * Read a small YAML file that must be one mapping (`quorum.config.yaml`, `quorum.alerts.yaml`): a
 * missing file, a syntax error or a non-mapping become issues with file, line and column, like a
 * workflow's; the caller then checks the shape against its own schema.
 */
import type { Issue } from "../spec/index.js";
import { codes } from "./codes.js";
import type { FileSystem } from "./file-system.js";
import { issueAt, parseSource, type SourceFile } from "./source.js";

export function readYamlMapping(
  file: string,
  fs: FileSystem,
  /** How the file is named in messages ("config file") and how it must start ("quorum: 1"). */
  what: { name: string; starts: string },
): { source: SourceFile; value: Record<string, unknown> } | { issues: Issue[] } {
  const read = fs.readText(file);
  if ("error" in read)
    return {
      issues: [
        {
          code: codes.missingFile,
          severity: "error",
          file,
          path: "",
          message: `${what.name} '${file}' ${read.error}`,
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
          `the ${what.name} must be a mapping starting with ${what.starts}`,
        ),
      ],
    };
  return { source: parsed.source, value: value as Record<string, unknown> };
}
