import { isAscii } from "node:buffer";

const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;

/**
 * Decodes bytes [start, end) as UTF-8. Most reports are ASCII: those bytes are copied as they are
 * (`latin1` is the same text for ASCII), several times faster than UTF-8 decoding, and the one-byte
 * string that comes out is what `JSON.parse` reads fastest. The callers cut only at ASCII bytes
 * (`}`, a newline), so a multi-byte character is never split.
 */
export function decodeUtf8(bytes: Buffer, start: number, end: number): string {
  const part = bytes.subarray(start, end);
  return isAscii(part) ? part.toString("latin1") : part.toString("utf8");
}

/**
 * `JSON.parse` of `[` + bytes [start, end) + `]`, as one array. Where the bytes around the range
 * are there to borrow, the brackets are written over them for the decode and put back at once:
 * one flat string instead of a concatenation that `JSON.parse` would copy again.
 */
export function parseJsonList(
  bytes: Buffer,
  start: number,
  end: number,
): unknown[] {
  if (start === 0 || end >= bytes.length) {
    return JSON.parse(`[${decodeUtf8(bytes, start, end)}]`) as unknown[];
  }
  const before = bytes[start - 1] as number;
  const after = bytes[end] as number;
  bytes[start - 1] = OPEN_ARR;
  bytes[end] = CLOSE_ARR;
  let text: string;
  try {
    text = decodeUtf8(bytes, start - 1, end + 1);
  } finally {
    bytes[start - 1] = before;
    bytes[end] = after;
  }
  return JSON.parse(text) as unknown[];
}
