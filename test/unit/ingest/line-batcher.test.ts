import { describe, expect, it } from "vitest";
import type { SplitBatch } from "../../../src/ingest/array-batcher.js";
import { JsonSyntaxError } from "../../../src/ingest/json-splitter.js";
import { LineBatcher } from "../../../src/ingest/line-batcher.js";

interface Item {
  line: unknown;
  value: unknown;
  offset: number;
}

/** Each item's line, value (or, for a broken line, the byte offset of its error) and offset. */
function drain(batch: SplitBatch, out: Item[]): void {
  for (let k = 0; k < batch.length; k++) {
    let value: unknown;
    try {
      value = batch.value(k);
    } catch (error) {
      value = { errorAt: (error as { offset?: number }).offset };
    }
    out.push({ line: batch.path(k)[0], value, offset: batch.offset(k) });
  }
}

function lines(bytes: Buffer, size: number): Item[] {
  const batcher = new LineBatcher();
  const out: Item[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    drain(batcher.push(bytes.subarray(i, i + size)), out);
  }
  drain(batcher.end(), out);
  return out;
}

const text = [
  '{"a":"é 漢字 😀"}',
  "",
  '  {"b":"quote \\" and \\\\"}\r',
  "   ",
  '\uFEFF{"c":3}',
  '{"d":"no newline at the end"}',
].join("\n");
const bytes = Buffer.from(text);

const SIZES = [1, 2, 3, 5, 7, 11, 16, 1000];

describe("LineBatcher", () => {
  it("yields each non-blank line with its number and byte offset at every chunk size", () => {
    const expected: Item[] = [
      { line: 1, value: { a: "é 漢字 😀" }, offset: 0 },
      {
        line: 3,
        value: { b: 'quote " and \\' },
        offset: Buffer.byteLength('{"a":"é 漢字 😀"}\n\n'),
      },
      { line: 5, value: { c: 3 }, offset: bytes.indexOf("\uFEFF") },
      {
        line: 6,
        value: { d: "no newline at the end" },
        offset: bytes.lastIndexOf("{"),
      },
    ];

    for (const size of [1, 2, 3, 5, 7, 16, 1000]) {
      expect(lines(bytes, size)).toEqual(expected);
    }
  });

  it("throws for a broken line when its turn comes, at its byte in the file", () => {
    const broken = Buffer.from('{"a":1}\n{"b":tru}\n{"c":3}\n');
    const batcher = new LineBatcher();
    const batch = batcher.push(broken);

    expect(batch.value(0)).toEqual({ a: 1 });
    expect(() => batch.value(1)).toThrow(JsonSyntaxError);
    expect(() => batch.value(1)).toThrow(
      expect.objectContaining({ offset: 8 + 8 }),
    );
    expect(batch.value(2)).toEqual({ c: 3 });
  });

  it("reports a broken line after a carried-over line at its byte, at every chunk size", () => {
    const long = `{"a":"${"é漢😀".repeat(20)}"}`;
    const text = `${long}\r\n{"b":tru}\r\n\r\n{"c":3}`;
    const bytes = Buffer.from(text);
    const broken = Buffer.byteLength(`${long}\r\n`);
    const expected: Item[] = [
      { line: 1, value: JSON.parse(long), offset: 0 },
      // "tru}" stops being `true` at the `}`, 8 bytes into the line.
      { line: 2, value: { errorAt: broken + 8 }, offset: broken },
      { line: 4, value: { c: 3 }, offset: bytes.lastIndexOf("{") },
    ];

    for (const size of SIZES) {
      expect(lines(bytes, size), `size ${size}`).toEqual(expected);
    }
  });

  it("reports a broken line that starts with white space or a BOM at its byte in the file", () => {
    for (const lead of ["   ", "\t", "\uFEFF"]) {
      const bytes = Buffer.from(`{"a":1}\n${lead}{"b":tru}\n`);
      const at = bytes.indexOf("tru}") + 3;

      for (const size of SIZES) {
        const items = lines(bytes, size);

        expect(items[1]?.value, `${JSON.stringify(lead)} @${size}`).toEqual({
          errorAt: at,
        });
      }
    }
  });
});
