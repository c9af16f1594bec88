/**
 * `LocalLanguageModel`: an AI SDK `LanguageModelV3` that runs a GGUF file in this process through
 * node-llama-cpp. It sits behind the same model client as every hosted provider (retries, fallbacks,
 * cost, journaling), so a workflow switches to it by naming `local/<model>`; content marked sensitive
 * may go here because nothing leaves the machine. The file is found when the first call needs it,
 * so a configured but absent model fails that call with a clear error, not the whole client.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
} from "@ai-sdk/provider";
import { generateLocal } from "./generate.js";
import { hostSettingsFromEnv, type LocalHostSettings, localModelHost } from "./model-host.js";
import { defaultModelsDir, type LocalModelLocator, resolveLocalModelPath } from "./model-path.js";

export interface LocalModelOptions {
  /** Provider id the model is reached under (usually `local`). */
  providerId?: string;
  env: Record<string, string | undefined>;
  /** `path` of each configured in-process model, keyed by `provider/model` (see `configuredLocalPaths`). */
  configuredPaths?: Readonly<Record<string, string>>;
  modelsDir?: string;
  settings?: Partial<LocalHostSettings>;
}

export class LocalLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = "v3";
  readonly provider: string;
  readonly supportedUrls = {};
  private readonly locator: LocalModelLocator;
  private readonly settings: LocalHostSettings;

  constructor(
    readonly modelId: string,
    options: LocalModelOptions,
  ) {
    this.provider = options.providerId ?? "local";
    this.locator = {
      configuredPaths: pathsOf(this.provider, options.configuredPaths ?? {}),
      env: options.env,
      modelsDir: options.modelsDir ?? defaultModelsDir(options.env),
    };
    this.settings = { ...hostSettingsFromEnv(options.env), ...options.settings };
  }

  /** The GGUF file this model runs (throws `LocalModelNotFoundError` when there is none). */
  resolvePath(): string {
    return resolveLocalModelPath(this.modelId, this.locator);
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    options.abortSignal?.throwIfAborted();
    const host = await localModelHost(this.resolvePath(), this.settings);
    const result = await generateLocal(host, options);
    return {
      content: result.text ? [{ type: "text", text: result.text }] : [],
      finishReason: result.finishReason,
      usage: result.usage,
      warnings: result.warnings,
      response: { modelId: this.modelId, timestamp: new Date() },
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    options.abortSignal?.throwIfAborted();
    const host = await localModelHost(this.resolvePath(), this.settings);
    const modelId = this.modelId;
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      start(controller) {
        const id = "text-0";
        let started = false;
        generateLocal(host, options, (delta) => {
          if (!started) {
            // Warnings are known only once generation ends; they travel with the result of doGenerate.
            controller.enqueue({ type: "stream-start", warnings: [] });
            controller.enqueue({ type: "response-metadata", modelId, timestamp: new Date() });
            controller.enqueue({ type: "text-start", id });
            started = true;
          }
          controller.enqueue({ type: "text-delta", id, delta });
        }).then(
          (result) => {
            if (!started) controller.enqueue({ type: "stream-start", warnings: result.warnings });
            else controller.enqueue({ type: "text-end", id });
            controller.enqueue({ type: "finish", usage: result.usage, finishReason: result.finishReason });
            controller.close();
          },
          (error: unknown) => {
            controller.enqueue({ type: "error", error });
            controller.close();
          },
        );
      },
    });
    return { stream };
  }
}

/** The configured paths of one provider, keyed by model id. */
function pathsOf(providerId: string, byRef: Readonly<Record<string, string>>): Record<string, string> {
  const prefix = `${providerId}/`;
  return Object.fromEntries(
    Object.entries(byRef)
      .filter(([ref]) => ref.startsWith(prefix))
      .map(([ref, path]) => [ref.slice(prefix.length), path]),
  );
}
