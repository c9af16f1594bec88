/**
 * The fake provider driven by the real AI SDK provider code over real HTTP: if these pass, the
 * wire formats are faithful enough for `@ai-sdk/openai` (chat) and `@ai-sdk/anthropic` to parse,
 * and usage survives the round trip exactly, so cost accounting can be tested end to end.
 * The SDK is loaded dynamically so this file compiles (and skips) before the packages are installed.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { builtinCatalog } from "../../models/catalog/index.js";
import { costUsd, type SdkLanguageModelUsage, type TokenUsage, usageFromSdk } from "../../models/cost.js";
import { type FakeProvider, reply, startFakeProvider } from "./index.js";

interface AiModule {
  generateText(
    options: Record<string, unknown>,
  ): Promise<{ text: string; usage: SdkLanguageModelUsage; output: unknown }>;
  streamText(options: Record<string, unknown>): {
    text: PromiseLike<string>;
    usage: PromiseLike<SdkLanguageModelUsage>;
  };
  Output: { object(options: { schema: unknown }): unknown };
  jsonSchema(schema: object): unknown;
  APICallError: { isInstance(error: unknown): error is ApiCallErrorShape };
}
interface ApiCallErrorShape {
  statusCode?: number;
  isRetryable: boolean;
  responseHeaders?: Record<string, string>;
}
interface StreamingModel {
  doStream(
    options: Record<string, unknown>,
  ): Promise<{ stream: ReadableStream<{ type: string; error?: unknown }> }>;
}
type Factory = (settings: {
  baseURL: string;
  apiKey: string;
}) => ((id: string) => StreamingModel) & { chat(id: string): StreamingModel };

async function loadSdk() {
  const names = ["ai", "@ai-sdk/openai", "@ai-sdk/anthropic"];
  try {
    const [ai, openai, anthropic] = await Promise.all(names.map((name) => import(name)));
    return {
      ai: ai as AiModule,
      createOpenAI: openai.createOpenAI as Factory,
      createAnthropic: anthropic.createAnthropic as Factory,
    };
  } catch {
    return undefined;
  }
}

const sdk = await loadSdk();
const catalog = builtinCatalog();
const prompt = [{ role: "user", content: [{ type: "text", text: "hi" }] }];

describe.skipIf(sdk === undefined)(
  "through the AI SDK (skipped when ai@6, @ai-sdk/openai@3, @ai-sdk/anthropic@3 are not installed)",
  () => {
    const { ai, createOpenAI, createAnthropic } = sdk!;
    let fake: FakeProvider;
    beforeAll(async () => {
      fake = await startFakeProvider();
    });
    afterAll(() => fake.stop());
    beforeEach(() => fake.reset());

    const openai = () => createOpenAI({ baseURL: fake.baseURL, apiKey: "sk-sdk-openai-1111" });
    const anthropic = () => createAnthropic({ baseURL: fake.baseURL, apiKey: "sk-sdk-anthropic-2222" });
    const price = (ref: string) => catalog.models[ref]!.price!;

    describe("OpenAI chat completions", () => {
      const usage: TokenUsage = {
        inputTokens: 1_200,
        cachedInputTokens: 1_024,
        outputTokens: 300,
        reasoningTokens: 200,
      };

      it("generateText: text and usage round-trip exactly, so cost is exact", async () => {
        fake.script(reply.text("Hello from the fake", { usage }));
        const result = await ai.generateText({
          model: openai().chat("o4-mini"),
          prompt: "hi",
          maxRetries: 0,
        });
        expect(result.text).toBe("Hello from the fake");
        expect(usageFromSdk(result.usage)).toEqual({ ...usage, cacheWriteTokens: 0 });
        expect(costUsd(usageFromSdk(result.usage), price("openai/o4-mini"))).toEqual(
          costUsd(usage, price("openai/o4-mini")),
        );
        expect(fake.requests[0]).toMatchObject({
          path: "/v1/chat/completions",
          apiKeyHint: "…1111",
          model: "o4-mini",
        });
      });

      it("streamText: deltas join to the text and the usage chunk arrives", async () => {
        fake.script(reply.text("streamed text that is long enough", { usage, chunkChars: 5 }));
        const result = ai.streamText({ model: openai().chat("o4-mini"), prompt: "hi", maxRetries: 0 });
        expect(await result.text).toBe("streamed text that is long enough");
        expect(usageFromSdk(await result.usage)).toMatchObject(usage);
      });

      it("structured output gets a schema-valid example from the default responder", async () => {
        const schema = {
          type: "object",
          additionalProperties: false,
          required: ["title", "tags"],
          properties: {
            title: { type: "string" },
            tags: { type: "array", minItems: 2, items: { type: "string" } },
          },
        };
        const result = await ai.generateText({
          model: openai().chat("gpt-4o-mini"),
          prompt: "hi",
          maxRetries: 0,
          output: ai.Output.object({ schema: ai.jsonSchema(schema) }),
        });
        expect(result.output).toEqual({ title: "example", tags: ["example", "example"] });
        expect((fake.requests[0]!.body as { response_format: { type: string } }).response_format.type).toBe(
          "json_schema",
        );
      });

      it("a 429 surfaces as a retryable APICallError with Retry-After, and exactly one request is sent", async () => {
        fake.script(reply.rateLimited({ retryAfterSeconds: 7 }));
        const error = await ai
          .generateText({ model: openai().chat("gpt-4o-mini"), prompt: "hi", maxRetries: 0 })
          .catch((e: unknown) => e);
        expect(ai.APICallError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({
          statusCode: 429,
          isRetryable: true,
          responseHeaders: { "retry-after": "7" },
        });
        expect(fake.requests).toHaveLength(1);
      });

      it("an in-band error chunk before any output is a retryable APICallError", async () => {
        fake.script(reply.streamError({ message: "boom" }));
        const error = await openai()
          .chat("gpt-4o-mini")
          .doStream({ prompt })
          .catch((e: unknown) => e);
        expect(ai.APICallError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ message: "boom", statusCode: 500, isRetryable: true });
      });

      it("an abort reaches the server within a second", async () => {
        fake.script(reply.hang());
        const controller = new AbortController();
        const call = ai.generateText({
          model: openai().chat("gpt-4o-mini"),
          prompt: "hi",
          maxRetries: 0,
          abortSignal: controller.signal,
        });
        setTimeout(() => controller.abort(), 50);
        await expect(call).rejects.toThrow();
        const start = Date.now();
        while (!fake.requests[0]?.clientAborted && Date.now() - start < 1_000)
          await new Promise((r) => setTimeout(r, 5));
        expect(fake.requests[0]?.clientAborted).toBe(true);
      });

      it("a malformed body is an error, not a silent empty answer", async () => {
        fake.script(reply.malformed());
        await expect(
          ai.generateText({ model: openai().chat("gpt-4o-mini"), prompt: "hi", maxRetries: 0 }),
        ).rejects.toThrow();
      });
    });

    describe("Anthropic messages", () => {
      const usage: TokenUsage = {
        inputTokens: 5_000,
        cachedInputTokens: 3_000,
        cacheWriteTokens: 1_500,
        outputTokens: 40,
      };

      it("generateText: cache reads and writes come back inside inputTokens", async () => {
        fake.script(reply.text("Hello", { usage }));
        const result = await ai.generateText({
          model: anthropic()("claude-haiku-4-5"),
          prompt: "hi",
          maxRetries: 0,
        });
        expect(result.text).toBe("Hello");
        expect(usageFromSdk(result.usage)).toMatchObject(usage);
        // 500 x 1 + 3,000 x 0.10 + 1,500 x 1.25 + 40 x 5 = 500 + 300 + 1,875 + 200 micro-USD
        expect(costUsd(usageFromSdk(result.usage), price("anthropic/claude-haiku-4-5")).costMicroUsd).toBe(
          2_875,
        );
      });

      it("streamText: message_start and message_delta usage combine", async () => {
        fake.script(reply.text("streamed", { usage, chunkChars: 2 }));
        const result = ai.streamText({ model: anthropic()("claude-haiku-4-5"), prompt: "hi", maxRetries: 0 });
        expect(await result.text).toBe("streamed");
        expect(usageFromSdk(await result.usage)).toMatchObject(usage);
      });

      it.each(["claude-haiku-4-5", "claude-3-haiku-20240307"])(
        "structured output on %s (output_config or the json tool)",
        async (id) => {
          const schema = {
            type: "object",
            additionalProperties: false,
            required: ["risk"],
            properties: { risk: { enum: ["low", "high"] } },
          };
          const result = await ai.generateText({
            model: anthropic()(id),
            prompt: "hi",
            maxRetries: 0,
            output: ai.Output.object({ schema: ai.jsonSchema(schema) }),
          });
          expect(result.output).toEqual({ risk: "low" });
          const body = fake.requests[0]!.body as { output_config?: unknown; tools?: Array<{ name: string }> };
          if (id === "claude-3-haiku-20240307") expect(body.tools?.[0]?.name).toBe("json");
          else expect(body.output_config).toMatchObject({ format: { type: "json_schema" } });
        },
      );

      it("an overloaded event before the first token is a retryable 529 APICallError", async () => {
        fake.script(reply.streamError({ errorType: "overloaded_error", message: "Overloaded" }));
        const error = await anthropic()("claude-haiku-4-5")
          .doStream({ prompt })
          .catch((e: unknown) => e);
        expect(ai.APICallError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({ statusCode: 529, isRetryable: true });
      });

      it("a 529 response is retryable", async () => {
        fake.script(reply.overloaded());
        const error = await ai
          .generateText({ model: anthropic()("claude-haiku-4-5"), prompt: "hi", maxRetries: 0 })
          .catch((e: unknown) => e);
        expect(error).toMatchObject({ statusCode: 529, isRetryable: true });
      });
    });
  },
);
