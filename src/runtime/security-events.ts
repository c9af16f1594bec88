/**
 * Journals what the system blocked as `security-event`s, once each: the id is derived from the step
 * execution and the site that blocked, so a step that runs again after a crash (and hits the same
 * block) finds its event in the index and does not count it twice. Recorded, not awaited: it commits
 * with the step's next append (its `step-error` or `step-end`), in order.
 */
import type { SecurityEvent, SecurityEventKind } from "../spec/index.js";
import type { RunScope } from "./types.js";

export function recordSecurityEvent(
  scope: Pick<RunScope, "index" | "writer" | "dryRun">,
  fields: { eventId: string; kind: SecurityEventKind; stepId: string; attempt: number; detail: string },
): void {
  // A dry run sends nothing anywhere, so nothing was blocked.
  if (scope.dryRun || scope.index.securityEvents.has(fields.eventId)) return;
  const event: SecurityEvent = { type: "security-event", ...fields };
  scope.index.securityEvents.add(fields.eventId);
  scope.writer.record([event]);
}
