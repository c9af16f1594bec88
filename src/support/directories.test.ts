import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeDirectory } from "./directories.js";

describe("makeDirectory", () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), "quorum-dirs-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("makes missing parents, and accepts a directory that exists", () => {
    const root = fresh();
    const deep = join(root, "a", "b", "c");
    makeDirectory(deep);
    expect(statSync(deep).isDirectory()).toBe(true);
    makeDirectory(deep);
    makeDirectory(root);
  });

  it("refuses a path through a file", () => {
    const root = fresh();
    writeFileSync(join(root, "file"), "x");
    expect(() => makeDirectory(join(root, "file"))).toThrow(/ENOTDIR/);
    expect(() => makeDirectory(join(root, "file", "sub"))).toThrow(/ENOTDIR/);
  });

  it.skipIf(process.platform !== "linux")(
    "fails instead of spinning where the parent exists but refuses entries (/proc)",
    () => {
      expect(() => makeDirectory("/proc/quorum-test/sub")).toThrow(/ENOENT/);
      expect(existsSync("/proc/quorum-test")).toBe(false);
    },
  );
});
