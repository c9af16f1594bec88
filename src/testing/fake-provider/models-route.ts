/**
 * `GET /v1/models` in the shape the asking client expects: OpenAI's `{ object: "list", data }`,
 * for a client sending Anthropic headers Anthropic's paginated `{ data, has_more, first_id, last_id }`,
 * and for `GET /v1beta/models` Gemini's `{ models: [{ name: "models/<id>", ... }] }`.
 */
import type { Exchange } from "./respond.js";

export function listModels(
  exchange: Exchange,
  shape: "openai" | "anthropic" | "gemini",
  ids: string[],
): void {
  exchange.onStatus(200, "models");
  const created = exchange.context.createdSeconds;
  const body =
    shape === "anthropic"
      ? {
          data: ids.map((id) => ({
            type: "model",
            id,
            display_name: id,
            created_at: new Date(created * 1000).toISOString(),
          })),
          has_more: false,
          first_id: ids[0] ?? null,
          last_id: ids.at(-1) ?? null,
        }
      : shape === "gemini"
        ? {
            models: ids.map((id) => ({
              name: `models/${id}`,
              displayName: id,
              supportedGenerationMethods: ["generateContent", "countTokens"],
            })),
          }
        : {
            object: "list",
            data: ids.map((id) => ({ id, object: "model", created, owned_by: "fake-provider" })),
          };
  exchange.res.writeHead(200, { "content-type": "application/json" });
  exchange.res.end(JSON.stringify(body));
}
