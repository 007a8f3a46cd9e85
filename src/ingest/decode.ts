import { decodeUtf8 } from "../domain/utf8.js";

const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;

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
