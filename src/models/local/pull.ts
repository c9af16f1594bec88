/**
 * Downloads a GGUF file: resumable (a `.part` file continues with an HTTP Range request), atomic (the
 * file gets its final name only when complete and checked, so a model folder never holds half a
 * model under a real name), with the SHA-256 of the whole file computed on the way. The first bytes
 * must be the GGUF magic, so an HTML error page saved as `model.gguf` is refused at once.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { makeDirectory } from "../../support/index.js";

export interface PullProgress {
  receivedBytes: number;
  /** Undefined when the server does not say how large the file is. */
  totalBytes: number | undefined;
}

export interface PullOptions {
  url: string;
  dir: string;
  /** Defaults to the last segment of the URL's path. */
  fileName?: string;
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
  onProgress?: (progress: PullProgress) => void;
}

export interface PullResult {
  path: string;
  bytes: number;
  sha256: string;
  /** True when the download continued a `.part` file left by an interrupted pull. */
  resumed: boolean;
  /** True when the file was already there and nothing was downloaded. */
  alreadyPresent: boolean;
}

/** A download that cannot succeed as asked; the message says why and what to do. */
export class PullError extends Error {
  override name = "PullError";
  readonly isUserError = true;
}

/** The file name a URL is saved under: its last path segment, `.gguf` appended when missing. */
export function fileNameForUrl(url: string): string {
  let name: string;
  try {
    name = decodeURIComponent(basename(new URL(url).pathname));
  } catch {
    throw new PullError(`'${url}' is neither a known model alias nor an http(s) URL`);
  }
  if (!name || name === "/")
    throw new PullError(`cannot tell a file name from '${url}'; pass one with --name`);
  return /\.gguf$/i.test(name) ? name : `${name}.gguf`;
}

/** A hash fed with a file's bytes, still open for more (a resumed download continues it). */
async function sha256Of(file: string) {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash;
}

export async function pullModel(options: PullOptions): Promise<PullResult> {
  const fetch = options.fetch ?? globalThis.fetch;
  const fileName = options.fileName ?? fileNameForUrl(options.url);
  const target = join(options.dir, fileName);
  if (existsSync(target)) {
    const sha256 = (await sha256Of(target)).digest("hex");
    return { path: target, bytes: statSync(target).size, sha256, resumed: false, alreadyPresent: true };
  }
  makeDirectory(options.dir);
  const partial = `${target}.part`;
  const have = existsSync(partial) ? statSync(partial).size : 0;
  const response = await fetch(options.url, {
    ...(have > 0 ? { headers: { range: `bytes=${have}-` } } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    redirect: "follow",
  });
  if (response.status === 416 && have > 0) {
    // The part is as long as the file, or longer: start over rather than trust it.
    rmSync(partial, { force: true });
    return pullModel(options);
  }
  if (!response.ok || !response.body)
    throw new PullError(
      `downloading ${options.url} failed: HTTP ${response.status} ${response.statusText}`.trim(),
    );
  const resumed = response.status === 206;
  const hash = resumed ? await sha256Of(partial) : createHash("sha256");
  const offset = resumed ? have : 0;
  const length = Number(response.headers.get("content-length"));
  const totalBytes = Number.isFinite(length) && length > 0 ? offset + length : undefined;
  let receivedBytes = offset;
  let head = resumed ? Buffer.from("GGUF") : Buffer.alloc(0);
  const counted = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream).map(
    (chunk: Buffer) => {
      if (head.length < 4) {
        head = Buffer.concat([head, chunk]).subarray(0, 4);
        if (head.length === 4 && head.toString("latin1") !== "GGUF")
          throw new PullError(
            `${options.url} is not a GGUF file (it starts with ${JSON.stringify(head.toString("latin1"))}); check the URL`,
          );
      }
      hash.update(chunk);
      receivedBytes += chunk.length;
      options.onProgress?.({ receivedBytes, totalBytes });
      return chunk;
    },
  );
  try {
    await pipeline(counted, createWriteStream(partial, { flags: resumed ? "a" : "w" }), {
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    // A file that is not a model is useless to resume; a broken connection keeps its part.
    if (error instanceof PullError) rmSync(partial, { force: true });
    throw error;
  }
  if (totalBytes !== undefined && receivedBytes !== totalBytes)
    throw new PullError(
      `downloading ${options.url} stopped at ${receivedBytes} of ${totalBytes} bytes; run the same command again to resume`,
    );
  if (head.length < 4) {
    rmSync(partial, { force: true });
    throw new PullError(`${options.url} returned ${receivedBytes} bytes, too few for a GGUF file`);
  }
  renameSync(partial, target);
  return { path: target, bytes: receivedBytes, sha256: hash.digest("hex"), resumed, alreadyPresent: false };
}
