import { isAscii } from "node:buffer";

/**
 * Decodes bytes [start, end) as UTF-8. Most reports are ASCII: those bytes are copied as they are
 * (`latin1` is the same text for ASCII), several times faster than UTF-8 decoding, and the one-byte
 * string that comes out is what `JSON.parse` reads fastest. The callers cut only at ASCII bytes
 * (`}`, a newline, a comma), so a multi-byte character is never split.
 */
export function decodeUtf8(bytes: Buffer, start: number, end: number): string {
  const part = bytes.subarray(start, end);
  return isAscii(part) ? part.toString("latin1") : part.toString("utf8");
}
