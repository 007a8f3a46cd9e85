import { describe, expect, it } from "vitest";
import {
  ANY_INDEX,
  ANY_KEY,
  JsonSplitter,
  JsonSyntaxError,
} from "../../../src/ingest/json-splitter.js";
import type { PathPattern } from "../../../src/ingest/json-splitter.js";

function split(text: string, patterns: PathPattern[], chunkSize = text.length) {
  const splitter = new JsonSplitter(patterns);
  const bytes = Buffer.from(text);
  const out = [];
  for (let i = 0; i < bytes.length; i += chunkSize) {
    out.push(...splitter.push(bytes.subarray(i, i + chunkSize)));
  }
  splitter.end();
  return { splitter, values: out };
}

const tricky = JSON.stringify([
  { a: 'quote " and \\ backslash', b: [1, { c: "}]" }] },
  { s: '\\\\\\"', u: "é ü 漢字 \u0000" },
  "plain",
  42,
  null,
  { deep: { deeper: [[[]]], k: "\\" } },
]);

describe("JsonSplitter", () => {
  it("yields each element of a top-level array whatever the chunk boundaries", () => {
    const expected = (JSON.parse(tricky) as unknown[]).map((v) =>
      JSON.stringify(v),
    );

    for (const size of [1, 2, 3, 5, 7, 16, 1000]) {
      const { values } = split(tricky, [[ANY_INDEX]], size);

      expect(values.map((v) => JSON.stringify(JSON.parse(v.text)))).toEqual(
        expected,
      );
    }
  });

  it("reports the byte offset and path of each element", () => {
    const { values } = split('[ {"a":1},\n {"b":2} ]', [[ANY_INDEX]]);

    expect(values.map((v) => [v.offset, v.path])).toEqual([
      [2, [0]],
      [12, [1]],
    ]);
  });

  it("finds values at nested paths and skips the rest", () => {
    const sarif = JSON.stringify({
      version: "2.1.0",
      runs: [
        {
          tool: { driver: { name: "a" } },
          results: [{ r: 1 }, { r: 2 }],
          other: ["[{"],
        },
        { results: [{ r: 3 }], tool: { driver: { name: "b" } } },
      ],
    });

    for (const size of [1, 4, 64]) {
      const { values } = split(
        sarif,
        [
          ["runs", ANY_INDEX, "tool"],
          ["runs", ANY_INDEX, "results", ANY_INDEX],
        ],
        size,
      );

      expect(
        values.map((v) => [v.pattern, JSON.parse(v.text) as unknown]),
      ).toEqual([
        [0, { driver: { name: "a" } }],
        [1, { r: 1 }],
        [1, { r: 2 }],
        [1, { r: 3 }],
        [0, { driver: { name: "b" } }],
      ]);
    }
  });

  it("walks object keys with ANY_KEY and names them in the path", () => {
    const { values } = split(
      '{"results":{"a.py":[{"x":1}],"b\\"q":[{"x":2}]}}',
      [["results", ANY_KEY, ANY_INDEX]],
      3,
    );

    expect(values.map((v) => v.path)).toEqual([
      ["results", "a.py", 0],
      ["results", 'b"q', 0],
    ]);
  });

  it("records the root type and the root keys", () => {
    expect(split("null", [[ANY_INDEX]]).splitter.rootType).toBe("null");
    expect(split("[]", [[ANY_INDEX]]).splitter.rootType).toBe("array");
    const { splitter } = split('{"foo":1,"bar":{"x":[1]}}', [[ANY_INDEX]]);

    expect(splitter.rootType).toBe("object");
  });

  it("throws with the byte offset when the input is truncated or unbalanced", () => {
    expect(() => split('[{"a":"b"}, {"c":', [[ANY_INDEX]])).toThrow(
      JsonSyntaxError,
    );
    expect(() => split('[{"a":"unterminated}]', [[ANY_INDEX]])).toThrow(
      /end of input/,
    );
    expect(() => split("[1]]", [[ANY_INDEX]])).toThrow(/after the end/);
    expect(() => split('[{"a":1}}]', [[ANY_INDEX]])).toThrow(
      expect.objectContaining({ offset: 8 }),
    );
  });

  it("holds the objects and arrays it walks to JSON's commas and colons, where they break", () => {
    const walked: PathPattern[] = [["runs", ANY_INDEX, "results", ANY_INDEX]];
    const cases: [string, string, number][] = [
      ['{"runs":[{"results":[1]} {"results":[2]}]}', "expected ',' or ']'", 25],
      ['{"runs" [{"results":[1]}]}', "expected ':'", 8],
      ['{"version":"2" "runs":[]}', "expected ',' or '}'", 15],
      ['{"runs":[],}', "a trailing ','", 11],
      ['{"runs":[{"results":[1,,2]}]}', "unexpected ','", 23],
      ['{"runs":[{"results":[1],:2}]}', "unexpected ':'", 24],
      ['{"runs":}', "expected a value", 8],
    ];
    for (const [text, message, offset] of cases) {
      expect(() => JSON.parse(text) as unknown, text).toThrow(SyntaxError);
      for (const size of [1, 3, text.length]) {
        expect(() => split(text, walked, size), `${text} in ${size}s`).toThrow(
          expect.objectContaining({ message, offset }),
        );
      }
    }
    expect(
      split('{"runs":[{"results":[1, 2]}, {}], "x":{}}', walked).values,
    ).toHaveLength(2);
  });
});
