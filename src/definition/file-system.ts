/**
 * The loader reads files through this small interface so tests and fuzzers can load from memory
 * and so a run can be pinned to the exact bytes it started with.
 */
import { readFileSync, statSync } from "node:fs";

export type ReadResult = { text: string } | { error: string };

export interface FileSystem {
  readText(path: string): ReadResult;
}

/** Larger prompt, schema or fragment files are refused with a clear message. */
export const maxIncludedFileBytes = 2 * 1024 * 1024;

export const nodeFileSystem: FileSystem = {
  readText(path) {
    try {
      const stat = statSync(path);
      if (stat.isDirectory()) return { error: "is a directory, not a file" };
      if (stat.size > maxIncludedFileBytes)
        return { error: `is ${Math.round(stat.size / 1024 / 1024)} MB; the limit is 2 MB` };
      return { text: readFileSync(path, "utf8") };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { error: "does not exist" };
      if (code === "EACCES") return { error: "cannot be read (permission denied)" };
      return { error: `cannot be read (${code ?? (error as Error).message})` };
    }
  },
};

/** An in-memory file system for tests, fuzzing and pinned runs. */
export function memoryFileSystem(files: Record<string, string>): FileSystem {
  return {
    readText(path) {
      const text = files[path];
      return text === undefined ? { error: "does not exist" } : { text };
    },
  };
}
