import { describe, expect, it } from "vitest";
import { decodeUtf8 } from "../../../src/domain/utf8.js";
import { parseJsonList } from "../../../src/ingest/decode.js";
import { isRedacted } from "../../../src/ingest/fingerprint.js";

describe("decodeUtf8", () => {
  it("gives the same text as a UTF-8 decode for ASCII, multi-byte and broken bytes", () => {
    const samples = [
      Buffer.from('{"a":"plain ascii"}'),
      Buffer.from('{"a":"é 漢字 😀"}'),
      Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d]),
      Buffer.from("\uFEFF[]"),
    ];

    for (const bytes of samples) {
      expect(decodeUtf8(bytes, 1, bytes.length)).toBe(
        bytes.toString("utf8", 1),
      );
    }
  });
});

describe("parseJsonList", () => {
  it("parses the range as one list and puts back the bytes it borrowed around it", () => {
    const bytes = Buffer.from('x,{"a":"é"},{"b":[1,2]}\r\n,{"c"');
    const before = Buffer.from(bytes);

    const values = parseJsonList(bytes, 2, bytes.indexOf("\r"));

    expect(values).toEqual([{ a: "é" }, { b: [1, 2] }]);
    expect(bytes.equals(before)).toBe(true);
  });

  it("parses a range that starts or ends at the edge of its buffer", () => {
    const bytes = Buffer.from('{"a":1},\n{"b":2}');

    expect(parseJsonList(bytes, 0, bytes.length)).toEqual([{ a: 1 }, { b: 2 }]);
    expect(parseJsonList(bytes, 0, 7)).toEqual([{ a: 1 }]);
    expect(parseJsonList(bytes, 9, bytes.length)).toEqual([{ b: 2 }]);
  });

  it("throws for a range that is not a list of values and leaves the bytes as they were", () => {
    const bytes = Buffer.from(' {"a":1} {"b":tru} ');
    const before = Buffer.from(bytes);

    expect(() => parseJsonList(bytes, 1, bytes.length - 1)).toThrow(
      SyntaxError,
    );
    expect(bytes.equals(before)).toBe(true);
  });
});

describe("isRedacted", () => {
  it("tells the values tools put in place of a secret from real values", () => {
    const redacted = ["", "REDACTED", "REDACTED-by-gitleaks", "*", "*****"];
    const real = ["ab*", "*a", "redacted", "AKIA...X", "x"];

    expect(redacted.map(isRedacted)).toEqual(redacted.map(() => true));
    expect(real.map(isRedacted)).toEqual(real.map(() => false));
    expect(isRedacted("AKIAIOSFODNN7...")).toBe(true);
  });
});
