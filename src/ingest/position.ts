import { jsonErrorOffset } from "./json-error-offset.js";
import { createReadStream } from "node:fs";

/**
 * The line and column (1-based, column in bytes) of a byte offset in a file. Computed only when
 * reporting an error, so the fast path never counts lines.
 */
export async function positionOf(
  path: string,
  offset: number,
): Promise<{ line: number; column: number }> {
  let line = 1;
  let lineStart = 0;
  let base = 0;
  const stream = createReadStream(path, { end: Math.max(offset - 1, 0) });
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let at = chunk.indexOf(0x0a);
    while (at >= 0 && base + at < offset) {
      line++;
      lineStart = base + at + 1;
      at = chunk.indexOf(0x0a, at + 1);
    }
    base += chunk.length;
  }
  return { line, column: offset - lineStart + 1 };
}

/** The byte offset in `text` where its JSON breaks. */
export function jsonErrorByteOffset(text: string): number {
  return Buffer.byteLength(text.slice(0, jsonErrorOffset(text)));
}
