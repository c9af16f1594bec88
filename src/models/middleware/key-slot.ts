/**
 * The keys of one provider and how the next one is chosen. A slot is shared mutable state on
 * purpose: a 401 seen by one call disables the key for every call, and a Retry-After announced to
 * one call cools the key down for all of them (zero requests to a key inside its window).
 */
import type { KeyRotation } from "../catalog/index.js";

/** One key of a pool; `value` is undefined for a keyless server (one anonymous slot). */
export interface KeySlot {
  readonly value: string | undefined;
  /** The variable it came from (`GROQ_API_KEY_2`): what traces show instead of the key. */
  readonly alias: string;
  /** Position in the pool, stable for the client's life. */
  readonly index: number;
  disabled: boolean;
  /** Clock time before which the provider asked us not to use this key again. */
  coolUntilMs: number;
  /** Attempts sent with this key, for least-used rotation. */
  uses: number;
}

export type { KeyRotation };

export interface KeyEntry {
  readonly alias: string;
  readonly value: string;
}

/** What decides when a key can take the next attempt, besides its own cooldown (rate limits). */
export type KeyAvailability = (slot: KeySlot, fromMs: number) => number;

export class KeyPool {
  readonly slots: readonly KeySlot[];
  private cursor = 0;

  constructor(
    entries: readonly KeyEntry[],
    readonly rotation: KeyRotation = "round-robin",
  ) {
    const list = entries.length > 0 ? entries : [{ alias: "(none)", value: undefined }];
    this.slots = list.map((entry, index) => ({
      value: entry.value,
      alias: entry.alias,
      index,
      disabled: false,
      coolUntilMs: 0,
      uses: 0,
    }));
  }

  /** True while at least one key has not been rejected. */
  get usable(): boolean {
    return this.slots.some((slot) => !slot.disabled);
  }

  /**
   * The key to use and when it can be used: the one free soonest (not before `notBeforeMs`, its
   * cooldown, or what `availability` says), ties broken by the rotation's preference. Undefined when
   * every key was rejected.
   */
  pick(
    nowMs: number,
    options: { notBeforeMs?: number; runId?: string; availability?: KeyAvailability } = {},
  ): { slot: KeySlot; atMs: number } | undefined {
    let best: { slot: KeySlot; atMs: number } | undefined;
    for (const slot of this.preference(options.runId)) {
      if (slot.disabled) continue;
      const fromMs = Math.max(nowMs, options.notBeforeMs ?? 0, slot.coolUntilMs);
      const atMs = options.availability ? Math.max(fromMs, options.availability(slot, fromMs)) : fromMs;
      if (!best || atMs < best.atMs) best = { slot, atMs };
      if (atMs <= nowMs) break;
    }
    if (best && this.rotation !== "sticky") this.cursor = (best.slot.index + 1) % this.slots.length;
    return best;
  }

  /** Records that an attempt goes out with this key. */
  markUsed(slot: KeySlot): void {
    slot.uses++;
  }

  /** Keys in the order the rotation prefers them for this call. */
  private preference(runId: string | undefined): KeySlot[] {
    const slots = this.slots;
    switch (this.rotation) {
      case "round-robin":
        return rotate(slots, this.cursor);
      case "least-used":
        return [...slots].sort((a, b) => a.uses - b.uses || a.index - b.index);
      case "sticky":
        return rotate(
          slots,
          runId === undefined ? this.cursor++ % slots.length : hashOf(runId) % slots.length,
        );
    }
  }
}

function rotate<T>(items: readonly T[], start: number): T[] {
  const from = start % items.length;
  return [...items.slice(from), ...items.slice(0, from)];
}

/** FNV-1a: a stable, well-spread hash, so a run maps to the same key in every process. */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
