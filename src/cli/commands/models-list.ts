/**
 * The data behind `quorum models list`: every configured provider with its privacy class and whether
 * it can be used now (and why not), and its models with context window, max output, capabilities and
 * price. Keyless servers are probed (briefly, all at once) the way the model client probes them.
 */
import type { CatalogModel, ProviderPreset, QuorumCatalog } from "../../models/index.js";
import { isProbedServer, localModelIds, probeServer, unavailableReason } from "../../models/index.js";

export interface ModelRow {
  ref: string;
  contextWindow?: number;
  maxOutputTokens?: number;
  capabilities: string[];
  /** USD per million tokens; absent when not known. */
  price?: { input: number; output: number; cachedInput?: number };
  aliasOf?: string;
  path?: string;
}

export interface ProviderRow {
  id: string;
  name: string;
  kind: ProviderPreset["kind"];
  privacy: "local" | "hosted";
  available: boolean;
  reason?: string;
  models: ModelRow[];
}

const probeTimeoutMs = 800;

function modelRow(model: CatalogModel): ModelRow {
  return {
    ref: model.ref,
    ...(model.contextWindow === undefined ? {} : { contextWindow: model.contextWindow }),
    ...(model.maxOutputTokens === undefined ? {} : { maxOutputTokens: model.maxOutputTokens }),
    capabilities: [...(model.capabilities ?? [])],
    ...(model.price
      ? {
          price: {
            input: model.price.inputPerMTokUsd,
            output: model.price.outputPerMTokUsd,
            ...(model.price.cachedInputPerMTokUsd === undefined
              ? {}
              : { cachedInput: model.price.cachedInputPerMTokUsd }),
          },
        }
      : {}),
    ...(model.aliasOf ? { aliasOf: model.aliasOf } : {}),
    ...(model.path ? { path: model.path } : {}),
  };
}

export async function listProviders(
  catalog: QuorumCatalog,
  env: Record<string, string | undefined>,
  fetch: typeof globalThis.fetch = globalThis.fetch,
): Promise<ProviderRow[]> {
  const providers = Object.values(catalog.providers);
  const reasons = await Promise.all(
    providers.map(async (provider) => {
      const reason = unavailableReason(provider, env, catalog);
      if (reason || !isProbedServer(provider)) return reason;
      const probe = await probeServer(provider.baseURL!, fetch, probeTimeoutMs);
      return probe.reachable ? undefined : `${provider.displayName} is not reachable at ${provider.baseURL}`;
    }),
  );
  return providers.map((provider, index) => {
    const listed = Object.values(catalog.models).filter((model) => model.ref.startsWith(`${provider.id}/`));
    const extra = localModelIds(catalog, provider, env)
      .map((id) => `${provider.id}/${id}`)
      .filter((ref) => !catalog.models[ref])
      .map(
        (ref): CatalogModel => ({
          ref,
          capabilities: ["json"],
          price: { inputPerMTokUsd: 0, outputPerMTokUsd: 0 },
        }),
      );
    const reason = reasons[index];
    return {
      id: provider.id,
      name: provider.displayName,
      kind: provider.kind,
      privacy: provider.local ? "local" : "hosted",
      available: reason === undefined,
      ...(reason === undefined ? {} : { reason }),
      models: [...listed, ...extra].map(modelRow),
    };
  });
}

const count = (n: number | undefined) => (n === undefined ? "—" : n.toLocaleString("en-US"));
const usd = (n: number) => `$${n}`;

/** The listing as plain lines: one header per provider, one line per model. */
export function formatProviders(rows: readonly ProviderRow[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    const state = row.available ? "available" : `unavailable: ${row.reason}`;
    lines.push(`${row.id} · ${row.name} · ${row.privacy} · ${state}`);
    const width = Math.max(0, ...row.models.map((m) => m.ref.length));
    for (const model of row.models) {
      const price = model.price
        ? `${usd(model.price.input)} in / ${usd(model.price.output)} out per MTok`
        : "unpriced";
      const alias = model.aliasOf ? ` (alias of ${model.aliasOf})` : "";
      lines.push(
        `  ${model.ref.padEnd(width)}  ctx ${count(model.contextWindow).padStart(9)}  out ${count(model.maxOutputTokens).padStart(7)}  ${(model.capabilities.join(",") || "—").padEnd(31)} ${price}${alias}`,
      );
    }
  }
  return lines;
}
