import { describe, expect, it } from "vitest";
import { ArrayBatcher } from "../../../src/ingest/array-batcher.js";
import { ANY_INDEX, JsonSplitter } from "../../../src/ingest/json-splitter.js";
import type { PathPattern } from "../../../src/ingest/json-splitter.js";
import { collectFindings } from "../../../src/ingest/index.js";
import { writeReport } from "./helpers.js";

const ROOT: PathPattern[] = [[ANY_INDEX]];
const SIZES = [1, 2, 3, 5, 7, 13, 64, 1000];

/** The error pushing `bytes` in chunks of `size` and ending throws, or null for none. */
function batchedError(bytes: Buffer, size: number): unknown {
  const batcher = new ArrayBatcher(ROOT);
  try {
    for (let i = 0; i < bytes.length; i += size) {
      const batch = batcher.push(bytes.subarray(i, i + size));
      for (let k = 0; k < batch.length; k++) batch.value(k);
    }
    batcher.end();
  } catch (error) {
    return error;
  }
  return null;
}

function referenceError(bytes: Buffer): unknown {
  const splitter = new JsonSplitter(ROOT);
  try {
    splitter.push(bytes);
    splitter.end();
  } catch (error) {
    return error;
  }
  return null;
}

// A report cut off between two elements: after an element, after its comma, after a string.
const CUT = [
  '[{"a":1}',
  '[{"a":1},',
  '[{"a":1},\n ',
  '[{"a":1}, "s"',
  '[{"a":1}, [4]',
];

describe("ArrayBatcher on a top-level array cut off between elements", () => {
  it("throws the exact splitter's end-of-input error at every chunk size", () => {
    for (const text of CUT) {
      const bytes = Buffer.from(text);
      const want = referenceError(bytes);

      expect(want, text).toMatchObject({ message: "unexpected end of input" });
      for (const size of SIZES) {
        expect(batchedError(bytes, size), `${text} @${size}`).toEqual(want);
      }
    }
  });

  it("rejects a gitleaks report cut off after a whole finding as malformed", async () => {
    const finding = {
      RuleID: "aws-access-token",
      Secret: "AKIAIOSFODNN7EXAMPLE",
      File: "config/app.env",
      StartLine: 3,
      Commit: "abc123",
    };
    const text = `[\n ${JSON.stringify(finding)},\n ${JSON.stringify(finding)}`;

    await expect(
      collectFindings(writeReport("cut.json", text)),
    ).rejects.toMatchObject({ code: "MALFORMED_REPORT" });
  });
});
