/** A project on disk for CLI tests against the fake provider: its files, a workflow and a config. */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Writes `files` (paths relative to `dir`), `workflow.yaml` and a `quorum.config.yaml` that points the
 * `openai` preset at `baseURL` (the fake provider's); returns the workflow's and the config's paths.
 */
export function writeFakeProviderProject(
  dir: string,
  baseURL: string,
  workflowYaml: string,
  files: Record<string, string> = {},
): { workflow: string; config: string } {
  const config = `quorum: 1\nproviders:\n  openai: { baseURL: "${baseURL}" }\n`;
  for (const [path, text] of Object.entries({
    ...files,
    "workflow.yaml": workflowYaml,
    "quorum.config.yaml": config,
  })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { workflow: join(dir, "workflow.yaml"), config: join(dir, "quorum.config.yaml") };
}
