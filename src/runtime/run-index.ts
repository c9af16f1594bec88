/**
 * What the runtime needs to look up quickly while a run executes, built from the same journal
 * as the engine state: recorded call results, human requests and responses, document blobs.
 */
import type {
  DocumentVersionEvent,
  HumanInputRequestEvent,
  HumanInputResponseEvent,
  ModelCallEndEvent,
  RouteDecisionEvent,
  RunEvent,
  ToolCallEndEvent,
} from "../spec/index.js";

export class RunIndex {
  readonly callEnds = new Map<string, ModelCallEndEvent>();
  /** Tool calls that returned (a tool's own `isError` answer included), by call key. */
  readonly toolCallEnds = new Map<string, ToolCallEndEvent>();
  readonly requests = new Map<string, HumanInputRequestEvent>();
  readonly responses = new Map<string, HumanInputResponseEvent>();
  /** Latest version event per document. */
  readonly documents = new Map<string, DocumentVersionEvent>();
  /** Recorded routing decisions by `decisionId`: a resumed step reuses them. */
  readonly routeDecisions = new Map<string, RouteDecisionEvent>();
  /** Ids of the `security-event`s journaled, so a re-executed step does not journal one twice. */
  readonly securityEvents = new Set<string>();
  /** Document and blob contents already read, by blob hash. */
  readonly contents = new Map<string, string>();
  /** Child runs a step waits on (journaled `child-run-wait` not yet resumed): child run id -> step id. */
  readonly childWaits = new Map<string, string>();
  /** The run's inputs (after defaults). */
  inputs: Record<string, unknown> | undefined;

  add(event: RunEvent): void {
    switch (event.type) {
      case "model-call-end":
        if (event.outcome === "ok") this.callEnds.set(event.callKey, event);
        return;
      case "tool-call-end":
        if (event.outcome === "ok") this.toolCallEnds.set(event.callKey, event);
        return;
      case "human-input-request":
        this.requests.set(event.requestId, event);
        return;
      case "human-input-response":
        if (!this.responses.has(event.requestId)) this.responses.set(event.requestId, event);
        return;
      case "document-version":
        this.documents.set(event.documentId, event);
        return;
      case "route-decision":
        if (!this.routeDecisions.has(event.decisionId)) this.routeDecisions.set(event.decisionId, event);
        return;
      case "child-run-wait":
        this.childWaits.set(event.childRunId, event.stepId);
        return;
      case "child-run-resume":
        this.childWaits.delete(event.childRunId);
        return;
      case "security-event":
        this.securityEvents.add(event.eventId);
        return;
      default:
        return;
    }
  }
}
