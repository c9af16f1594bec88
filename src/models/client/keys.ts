/**
 * API keys per provider: read once from the environment, used round-robin, disabled for the life of
 * the client once the provider rejects them (401/403), and cooled down while a Retry-After the
 * provider announced for that key runs. Pools (`GROQ_API_KEY_1..N`) spread load across free tiers and
 * survive one revoked key without failing the run.
 */
import { apiKeyEnvNames, type ProviderPreset } from "../catalog/index.js";

/** Every key the environment holds for a provider, de-duplicated, in the order they are tried. */
export function apiKeysFromEnv(
  provider: Pick<ProviderPreset, "apiKeyEnv" | "apiKeyEnvAliases">,
  env: Record<string, string | undefined>,
): string[] {
  const keys: string[] = [];
  const add = (value: string | undefined) => {
    const key = value?.trim();
    if (key && !keys.includes(key)) keys.push(key);
  };
  for (const name of apiKeyEnvNames(provider)) {
    add(env[name]);
    const numbered = Object.keys(env)
      .map((variable) => ({ variable, index: numberedSuffix(variable, name) }))
      .filter((entry): entry is { variable: string; index: number } => entry.index !== undefined)
      .sort((a, b) => a.index - b.index);
    for (const { variable } of numbered) add(env[variable]);
  }
  return keys;
}

function numberedSuffix(variable: string, name: string): number | undefined {
  if (!variable.startsWith(`${name}_`)) return undefined;
  const suffix = variable.slice(name.length + 1);
  return /^\d+$/.test(suffix) ? Number(suffix) : undefined;
}

/** One key of a pool; `value` is undefined for a keyless server (one anonymous slot). */
export interface KeySlot {
  readonly value: string | undefined;
  disabled: boolean;
  /** Clock time before which the provider asked us not to use this key again. */
  coolUntilMs: number;
}

/** The keys of one provider, handed out round-robin. */
export class KeyRing {
  private readonly slots: KeySlot[];
  private cursor = 0;

  constructor(keys: readonly string[]) {
    const values: Array<string | undefined> = keys.length > 0 ? [...keys] : [undefined];
    this.slots = values.map((value) => ({ value, disabled: false, coolUntilMs: 0 }));
  }

  /** True while at least one key has not been rejected. */
  get usable(): boolean {
    return this.slots.some((slot) => !slot.disabled);
  }

  /**
   * The next enabled key after the last one handed out, preferring keys not cooling down; when all
   * are cooling down, the one free soonest. Undefined when every key was rejected.
   */
  pick(nowMs: number): KeySlot | undefined {
    let soonest: { slot: KeySlot; position: number } | undefined;
    for (let step = 0; step < this.slots.length; step++) {
      const position = (this.cursor + step) % this.slots.length;
      const slot = this.slots[position]!;
      if (slot.disabled) continue;
      if (slot.coolUntilMs <= nowMs) return this.take(slot, position);
      if (!soonest || slot.coolUntilMs < soonest.slot.coolUntilMs) soonest = { slot, position };
    }
    return soonest ? this.take(soonest.slot, soonest.position) : undefined;
  }

  private take(slot: KeySlot, position: number): KeySlot {
    this.cursor = (position + 1) % this.slots.length;
    return slot;
  }
}
