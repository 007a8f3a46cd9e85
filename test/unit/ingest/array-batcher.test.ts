import { describe, expect, it } from "vitest";
import { ArrayBatcher } from "../../../src/ingest/array-batcher.js";
import type { SplitBatch } from "../../../src/ingest/array-batcher.js";
import {
  ANY_INDEX,
  JsonSplitter,
  JsonSyntaxError,
} from "../../../src/ingest/json-splitter.js";
import type { PathPattern } from "../../../src/ingest/json-splitter.js";

interface Item {
  path: unknown[];
  value: unknown;
  offset: number;
}

function drain(batch: SplitBatch, out: Item[]): void {
  for (let k = 0; k < batch.length; k++) {
    out.push({
      path: batch.path(k),
      value: batch.value(k),
      offset: batch.offset(k),
    });
  }
}

/** Every item the batcher finds, pushing `bytes` in chunks of `size`. */
function batched(bytes: Buffer, size: number, patterns = ROOT): Item[] {
  const batcher = new ArrayBatcher(patterns);
  const out: Item[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    drain(batcher.push(bytes.subarray(i, i + size)), out);
  }
  drain(batcher.end(), out);
  return out;
}

/** What the exact splitter (the reference) finds in the same bytes. */
function reference(bytes: Buffer, patterns = ROOT): Item[] {
  const splitter = new JsonSplitter(patterns);
  const values = splitter.push(bytes);
  splitter.end();
  return values.map((v) => ({
    path: v.path,
    value: JSON.parse(v.text) as unknown,
    offset: v.offset,
  }));
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

const ROOT: PathPattern[] = [[ANY_INDEX]];
const SIZES = [1, 2, 3, 5, 7, 13, 64, 1000];

// Strings that end in backslashes, escaped quotes, braces inside strings, and UTF-8 of 2, 3 and
// 4 bytes: at some chunk size each of them is cut at every position.
const tricky = Buffer.from(
  JSON.stringify(
    [
      { a: 'quote " and \\ backslash', b: [1, { c: "}]" }] },
      { s: '\\\\\\"', t: "ends in a backslash \\" },
      { u: "é ü 漢字 😀 \u0000", k: "},{" },
      { deep: { deeper: [[[]]], k: "\\" } },
      { "key}": '"}"' },
    ],
    null,
    1,
  ),
);

describe("ArrayBatcher", () => {
  it("finds the same elements, paths and offsets as the exact splitter at every chunk size", () => {
    const expected = reference(tricky);

    for (const size of SIZES) {
      expect(batched(tricky, size)).toEqual(expected);
    }
  });

  it("cuts a multi-byte character or an escape at a chunk edge without changing the value", () => {
    const text = Buffer.from(
      `[{"x":"a\\\\"},{"y":"\\"}"},{"z":"😀漢"}]`,
      "utf8",
    );
    const expected = reference(text);

    for (let cut = 1; cut < text.length; cut++) {
      const batcher = new ArrayBatcher(ROOT);
      const out: Item[] = [];
      drain(batcher.push(text.subarray(0, cut)), out);
      drain(batcher.push(text.subarray(cut)), out);
      drain(batcher.end(), out);

      expect(out).toEqual(expected);
    }
  });

  it("reads values other than objects among the elements as the exact splitter does", () => {
    const mixed = Buffer.from('[ {"a":1}, {"b":2}, 3, "s", [4] , null ]');

    for (const size of SIZES) {
      expect(batched(mixed, size)).toEqual(reference(mixed));
    }
  });

  it("fails where a comma between elements is missing, doubled, leading or trailing", () => {
    // Each with the offset of the byte where it breaks, as JSON.parse places it.
    const cases: [string, string, number][] = [
      ['[{"a":1} {"b":2}]', "expected ',' or ']'", 9],
      ['[{"a":1}{"b":2}]', "expected ',' or ']'", 8],
      ['[{"a":1},\n{"b":2}\n{"c":3}]', "expected ',' or ']'", 18],
      ['[{"a":1},, {"b":2}]', "unexpected ','", 9],
      ['[, {"a":1}]', "unexpected ','", 1],
      ['[{"a":1},]', "a trailing ','", 9],
      ['[{"a":1}, 3 4]', "expected ',' or ']'", 12],
    ];
    for (const [text, message, offset] of cases) {
      const bytes = Buffer.from(text);

      const want = thrown(() => reference(bytes));
      expect(want, text).toMatchObject({ message, offset });
      expect(() => JSON.parse(text) as unknown).toThrow(SyntaxError);
      for (const size of SIZES) {
        expect(
          thrown(() => batched(bytes, size)),
          `${text} in ${size}s`,
        ).toEqual(want);
      }
    }
  });

  it("gives the exact splitter's errors for broken input however it is cut", () => {
    for (const broken of ['[{"a":1}, {"b":', '[{"a":1}}]', '[{"a":1}] {}']) {
      const bytes = Buffer.from(broken);
      const want = thrown(() => reference(bytes));

      for (const size of SIZES) {
        expect(thrown(() => batched(bytes, size))).toEqual(want);
      }
    }
  });

  it("throws the exact splitter's end-of-input error for an array cut off between elements", () => {
    // After an element, after its comma, after white space, after a string or an array.
    const cuts = [
      '[{"a":1}',
      '[{"a":1},',
      '[{"a":1},\n ',
      '[{"a":1}, "s"',
      '[{"a":1}, [4]',
    ];
    for (const text of cuts) {
      const bytes = Buffer.from(text);
      const want = thrown(() => reference(bytes));

      expect(want, text).toMatchObject({ message: "unexpected end of input" });
      for (const size of SIZES) {
        expect(
          thrown(() => batched(bytes, size)),
          `${text} @${size}`,
        ).toEqual(want);
      }
    }
  });

  it("reports a syntax error inside an element at its byte in the file", () => {
    const bytes = Buffer.from('[{"a":1},\n {"b":tru}, {"c":3}]');

    for (const size of SIZES) {
      const error = thrown(() => batched(bytes, size));

      expect(error).toBeInstanceOf(JsonSyntaxError);
      // The element starts at byte 11; "tru}" stops being `true` 8 bytes in.
      expect(error).toMatchObject({ offset: 19 });
    }
  });

  it("reads an element longer than a chunk and then returns to batches", () => {
    const big = { secret: "x".repeat(5000), nested: { list: [1, 2, 3] } };
    const bytes = Buffer.from(JSON.stringify([{ a: 1 }, big, { b: 2 }]));

    const out = batched(bytes, 512);

    expect(out.map((item) => item.value)).toEqual([{ a: 1 }, big, { b: 2 }]);
    expect(out.map((item) => item.offset)).toEqual(
      reference(bytes).map((item) => item.offset),
    );
  });

  it("leaves other roots and nested patterns to the exact splitter", () => {
    const bytes = Buffer.from('{"runs":[{"results":[{"r":1},{"r":2}]}]}');
    const patterns: PathPattern[] = [["runs", ANY_INDEX, "results", ANY_INDEX]];
    const batcher = new ArrayBatcher(patterns);

    const out: Item[] = [];
    drain(batcher.push(bytes), out);
    drain(batcher.end(), out);

    expect(out).toEqual(reference(bytes, patterns));
    expect(batcher.rootType).toBe("object");
  });

  it("reads a CRLF report whose ASCII and multi-byte elements fall in any chunk, bytes untouched", () => {
    const elements = [
      { RuleID: "a", Secret: "plain" },
      { RuleID: "b", Secret: 'é 漢字 😀 "quoted" }, ] {' },
      { RuleID: "c", Secret: "}" },
    ];
    const bytes = Buffer.from(
      `[\r\n${elements.map((e) => JSON.stringify(e, null, 1)).join(",\r\n")}\r\n]\r\n`,
    );
    const before = Buffer.from(bytes);
    const expected = reference(bytes);

    for (const size of SIZES) {
      expect(batched(bytes, size)).toEqual(expected);
    }
    expect(expected.map((item) => item.value)).toEqual(elements);
    expect(bytes.equals(before)).toBe(true);
  });

  it("throws on a document of white space only, as the exact splitter does", () => {
    expect(thrown(() => batched(Buffer.from("  \n "), 2))).toMatchObject({
      message: "no JSON value",
    });
  });
});
