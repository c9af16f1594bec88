/** A tiny random-weight GGUF model generator, so local-model tests run the real node-llama-cpp path. */
export { encodeGguf, type GgufTensor, type GgufValue } from "./gguf-writer.js";
export { type TinyLlamaOptions, tinyLlamaGguf, tinyVocabulary, writeTinyLlamaGguf } from "./tiny-llama.js";
