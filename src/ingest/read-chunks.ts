import { closeSync, openSync, readSync } from "node:fs";
import { setImmediate as nextTurn } from "node:timers/promises";

/** Chunks read between two turns of the event loop (signals, timers, a daemon's requests). */
const CHUNKS_PER_TURN = 4;

/**
 * A file's bytes in chunks of `size`, read synchronously, with a turn of the event loop every few
 * chunks. Each asynchronous read (a read stream, or FileHandle.read even when issued ahead) cost
 * 100 µs or more of the main thread idle before its chunk came back, where a read from the page
 * cache takes 20: on a 1 GB report, about a second of idle time. The parse of a chunk blocks the
 * loop far longer than its read.
 */
export async function* readChunks(
  path: string,
  size: number,
): AsyncGenerator<Buffer> {
  const fd = openSync(path, "r");
  try {
    for (let n = 1; ; n++) {
      const buffer = Buffer.allocUnsafe(size);
      const bytesRead = readSync(fd, buffer, 0, size, null);
      if (bytesRead === 0) return;
      yield bytesRead === size ? buffer : buffer.subarray(0, bytesRead);
      if (n % CHUNKS_PER_TURN === 0) await nextTurn();
    }
  } finally {
    closeSync(fd);
  }
}
