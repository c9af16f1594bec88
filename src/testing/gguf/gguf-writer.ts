/**
 * A minimal GGUF (version 3) serializer: typed metadata, then tensor descriptors, then aligned tensor
 * data. Only what a test model needs (scalars, strings, arrays, F32 tensors), written as one buffer so
 * no Python toolchain is required to produce a file llama.cpp will load.
 */

/** GGUF metadata value types (the spec's `gguf_metadata_value_type`). */
const valueType = {
  uint32: 4,
  int32: 5,
  float32: 6,
  bool: 7,
  string: 8,
  array: 9,
  uint64: 10,
} as const;

/** One metadata value, tagged so the writer knows its wire type. */
export type GgufValue =
  | { type: "uint32"; value: number }
  | { type: "int32"; value: number }
  | { type: "float32"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "uint64"; value: number }
  | { type: "string-array"; value: readonly string[] }
  | { type: "float32-array"; value: readonly number[] }
  | { type: "int32-array"; value: readonly number[] };

/** An F32 tensor; `shape` is in ggml order (innermost dimension first). */
export interface GgufTensor {
  name: string;
  shape: readonly number[];
  data: Float32Array;
}

const ggmlTypeF32 = 0;
const alignmentBytes = 32;

/** Grows a byte list chunk by chunk; GGUF is little-endian throughout. */
class ByteSink {
  private readonly chunks: Buffer[] = [];
  length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }
  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }
  str(value: string): void {
    const bytes = Buffer.from(value, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  padTo(alignment: number): void {
    const rest = this.length % alignment;
    if (rest !== 0) this.push(Buffer.alloc(alignment - rest));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.length);
  }
}

function writeValue(sink: ByteSink, entry: GgufValue): void {
  switch (entry.type) {
    case "uint32":
      sink.u32(valueType.uint32);
      sink.u32(entry.value);
      return;
    case "int32":
      sink.u32(valueType.int32);
      sink.i32(entry.value);
      return;
    case "float32":
      sink.u32(valueType.float32);
      sink.f32(entry.value);
      return;
    case "bool":
      sink.u32(valueType.bool);
      sink.push(Buffer.from([entry.value ? 1 : 0]));
      return;
    case "string":
      sink.u32(valueType.string);
      sink.str(entry.value);
      return;
    case "uint64":
      sink.u32(valueType.uint64);
      sink.u64(entry.value);
      return;
    case "string-array":
      sink.u32(valueType.array);
      sink.u32(valueType.string);
      sink.u64(entry.value.length);
      for (const item of entry.value) sink.str(item);
      return;
    case "float32-array":
      sink.u32(valueType.array);
      sink.u32(valueType.float32);
      sink.u64(entry.value.length);
      for (const item of entry.value) sink.f32(item);
      return;
    case "int32-array":
      sink.u32(valueType.array);
      sink.u32(valueType.int32);
      sink.u64(entry.value.length);
      for (const item of entry.value) sink.i32(item);
      return;
  }
}

/** The bytes of a GGUF v3 file with these metadata entries (in order) and tensors. */
export function encodeGguf(
  metadata: ReadonlyArray<[string, GgufValue]>,
  tensors: readonly GgufTensor[],
): Buffer {
  const sink = new ByteSink();
  sink.push(Buffer.from("GGUF", "ascii"));
  sink.u32(3);
  sink.u64(tensors.length);
  sink.u64(metadata.length + 1);
  sink.str("general.alignment");
  writeValue(sink, { type: "uint32", value: alignmentBytes });
  for (const [key, value] of metadata) {
    sink.str(key);
    writeValue(sink, value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const tensor of tensors) {
    const elements = tensor.shape.reduce((a, b) => a * b, 1);
    if (elements !== tensor.data.length)
      throw new RangeError(
        `tensor ${tensor.name}: shape holds ${elements} values, data ${tensor.data.length}`,
      );
    offsets.push(offset);
    offset += Math.ceil((elements * 4) / alignmentBytes) * alignmentBytes;
  }
  tensors.forEach((tensor, index) => {
    sink.str(tensor.name);
    sink.u32(tensor.shape.length);
    for (const dim of tensor.shape) sink.u64(dim);
    sink.u32(ggmlTypeF32);
    sink.u64(offsets[index]!);
  });
  sink.padTo(alignmentBytes);
  for (const tensor of tensors) {
    sink.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    sink.padTo(alignmentBytes);
  }
  return sink.toBuffer();
}
