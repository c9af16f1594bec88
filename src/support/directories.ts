/**
 * Creating a directory and its missing parents, one level at a time.
 *
 * Why not `mkdirSync(path, { recursive: true })`: on Node 20–24 it never returns for a path under a
 * directory that exists but refuses new entries with ENOENT (any path under `/proc`): it keeps
 * re-creating the parent, which exists, then the child, which fails again, at 100 % CPU. A user's
 * `--out /proc/x` or `QUORUM_DB=sqlite:/proc/x/q.db` must get an error, not a hung process.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/** Makes `path` (and its missing parents) a directory; throws the file system's error otherwise. */
export function makeDirectory(path: string): void {
  const missing: string[] = [];
  let current = resolve(path);
  for (;;) {
    const kind = kindOf(current);
    if (kind === "directory") break;
    if (kind === "other") throw notDirectory(current);
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      // Made meanwhile by someone else: fine if it is a directory now.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || kindOf(dir) !== "directory") throw error;
    }
  }
}

function kindOf(path: string): "directory" | "other" | "missing" {
  try {
    return statSync(path).isDirectory() ? "directory" : "other";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return "missing";
    throw error;
  }
}

function notDirectory(path: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`ENOTDIR: not a directory, mkdir '${path}'`);
  error.code = "ENOTDIR";
  error.path = path;
  return error;
}
