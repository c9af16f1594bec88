/**
 * Reading a run's pinned definition back from the store. Cached by hash: a definition never changes,
 * and parents, children, replay and the CLI read the same ones over and over.
 */
import type { Workflow } from "../spec/index.js";
import type { PinnedDefinition, RuntimeDeps } from "./types.js";

const pinnedCache = new Map<string, PinnedDefinition>();

export async function loadPinned(
  deps: Pick<RuntimeDeps, "store">,
  definitionHash: string,
): Promise<PinnedDefinition> {
  const cached = pinnedCache.get(definitionHash);
  if (cached) return cached;
  const bytes = await deps.store.getBlob(definitionHash);
  if (!bytes)
    throw new Error(
      `the pinned definition ${definitionHash.slice(0, 12)} of this run is missing from the store`,
    );
  const pinned = JSON.parse(Buffer.from(bytes).toString("utf8")) as PinnedDefinition;
  if (pinnedCache.size > 100) pinnedCache.clear();
  pinnedCache.set(definitionHash, pinned);
  return pinned;
}

export async function loadPinnedWorkflow(
  deps: Pick<RuntimeDeps, "store">,
  definitionHash: string,
): Promise<Workflow> {
  return (await loadPinned(deps, definitionHash)).workflow;
}
