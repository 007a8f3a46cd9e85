import { describe, expect, it } from "vitest";
import type { SplitBatch } from "../../../src/ingest/array-batcher.js";
import { JsonSyntaxError } from "../../../src/ingest/json-splitter.js";
import { LineBatcher } from "../../../src/ingest/line-batcher.js";

interface Item {
  line: unknown;
  value: unknown;
  offset: number;
}

function drain(batch: SplitBatch, out: Item[]): void {
  for (let k = 0; k < batch.length; k++) {
    out.push({
      line: batch.path(k)[0],
      value: batch.value(k),
      offset: batch.offset(k),
    });
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
});
