/**
 * A disk that fills under a running run (issue 3, "bad input and faults"): the SQLite store lives on a
 * real 1 MiB tmpfs, a chain of steps writes ~200 KB documents until SQLite reports SQLITE_FULL. The run
 * must stop with a clear store error, keep every journaled event and document readable, and — once the
 * disk has room again — resume to success without repeating a recorded model call.
 * Needs root (mount); skipped with that reason elsewhere.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { documentText, Runtime } from "../../src/runtime/index.js";
import { builtinExecutors } from "../../src/steps/index.js";
import { openStore } from "../../src/store/index.js";
import { scriptedModels } from "../../src/testing/index.js";
import { loadTestWorkflow } from "./harness.js";

const dir = mkdtempSync(join(tmpdir(), "quorum-full-"));
let skipReason: string | undefined;

beforeAll(() => {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", dir], { stdio: "pipe" });
  } catch (error) {
    skipReason = `cannot mount a small tmpfs to fill (needs root): ${(error as Error).message.split("\n")[0]}`;
  }
});

afterAll(() => {
  if (!skipReason) execFileSync("umount", ["-l", dir], { stdio: "pipe" });
  rmSync(dir, { recursive: true, force: true });
});

const steps = 12;
const yaml = `quorum: 1
name: filler
documents:
${Array.from({ length: steps }, (_, i) => `  d${i}: { format: text }`).join("\n")}
defaults:
  models: [openai/gpt-4o-mini]
steps:
${Array.from(
  { length: steps },
  (_, i) => `  - id: s${i}
    kind: model
    prompt: prompts/s${i}.md
${i > 0 ? `    inputs: [d${i - 1}]\n` : ""}    outputs: [d${i}]`,
).join("\n")}
`;

const files = Object.fromEntries(Array.from({ length: steps }, (_, i) => [`prompts/s${i}.md`, `part ${i}`]));

it("a full disk stops the run with a clear error, loses nothing, and the run resumes once there is room", async (context) => {
  if (skipReason) context.skip(skipReason);
  // Incompressible, distinct content per step: each document takes ~200 KB of the 1 MiB disk.
  let n = 0;
  const models = scriptedModels(() => {
    n++;
    return Array.from({ length: 200_000 / 16 }, (_, i) =>
      ((i * 2654435761 + n * 97) >>> 0).toString(16).padStart(16, "0"),
    ).join("");
  });
  const url = `sqlite:${join(dir, "quorum.db")}`;
  const store = await openStore(url);
  const runtime = new Runtime({
    store,
    models,
    executors: builtinExecutors,
    now: Date.now,
    retryDelayMs: () => 0,
  });
  const run = await runtime.start(loadTestWorkflow(yaml, files), {});
  const error = await runtime.drive(run.id).then(
    (outcome) => new Error(`expected the disk to fill, but the run ended ${outcome}`),
    (e: Error) => e,
  );
  expect(error.name, error.message).toBe("StoreUnavailableError");
  expect(error.message).toMatch(/disk is full|SQLITE_FULL/i);
  expect(error.message).toMatch(/not full|disk/);
  await store.close();

  // Everything journaled is still there and readable.
  const reader = await openStore(url);
  const events = await reader.readEvents(run.id);
  const ended = events
    .filter((e) => e.event.type === "step-end")
    .map((e) => (e.event as { stepId: string }).stepId);
  expect(ended.length).toBeGreaterThan(0);
  expect(ended.length).toBeLessThan(steps);
  for (const doc of await reader.listDocumentVersions(run.id))
    expect(Buffer.byteLength((await documentText(reader, doc)) ?? "")).toBe(doc.sizeBytes);
  const callsBefore = models.calls.length;
  await reader.close();

  // Room again: the run resumes and finishes; recorded calls are not repeated.
  execFileSync("mount", ["-o", "remount,size=16m", dir], { stdio: "pipe" });
  const store2 = await openStore(url);
  const resumed = new Runtime({
    store: store2,
    models,
    executors: builtinExecutors,
    now: Date.now,
    retryDelayMs: () => 0,
  });
  expect(await resumed.drive(run.id)).toBe("succeeded");
  // At most the one call in flight when the disk filled runs again.
  expect(models.calls.length).toBeLessThanOrEqual(callsBefore + (steps - ended.length));
  expect(models.calls.length).toBeGreaterThanOrEqual(steps);
  const prompts = models.calls.map((c) => c.prompt);
  for (let i = 0; i < ended.length; i++) expect(prompts.filter((p) => p === `part ${i}`)).toHaveLength(1);
  await store2.close();
}, 60_000);
