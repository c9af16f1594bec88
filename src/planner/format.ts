/** Number formats for plan reports. */
import { formatDuration } from "../spec/duration.js";

/** 5_400_000 -> `1h30m`; below a second, milliseconds. */
export const formatDurationMs = formatDuration;

/** `$0.42`, `$12.50`; small amounts keep two significant digits (`$0.0045`) instead of `$0.00`. */
export function formatUsd(usd: number): string {
  if (usd === 0 || usd >= 0.01) return `$${usd.toFixed(2)}`;
  if (usd >= 0.0001) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(6)}`;
}

/** `1.65×`. */
export function formatSpeedup(speedup: number): string {
  return `${speedup.toFixed(2)}×`;
}

/** `x, y, z` or, past `limit`, `x, y, z and 7 more`, so a 10,000-step report stays readable. */
export function formatList(items: readonly string[], limit = 5, separator = ", "): string {
  if (items.length <= limit) return items.join(separator);
  return `${items.slice(0, limit).join(separator)} and ${items.length - limit} more`;
}

/** `1 step`, `2 steps`. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
