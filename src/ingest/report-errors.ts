import { CsvError } from "./csv-splitter.js";
import { IngestError } from "./errors.js";
import { JsonSyntaxError } from "./json-splitter.js";
import { jsonErrorByteOffset, positionOf } from "./position.js";
import type { IngestRecord } from "./types.js";

export function parseJson(text: string, offset: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // V8's message quotes the text around the error: it may hold the secret, so it is dropped.
    throw new JsonSyntaxError(
      "invalid JSON",
      offset + jsonErrorByteOffset(text),
    );
  }
}

/**
 * Runs an item parser; an item error gets the item's place in the file (negative: a CSV line).
 * The place may be a function: finding it costs a rescan, so only a failed item pays for it.
 */
export function guard(
  place: number | (() => number),
  fn: () => IngestRecord[],
): IngestRecord[] {
  try {
    return fn();
  } catch (error) {
    if (error instanceof IngestError && error.code === "MALFORMED_REPORT") {
      const offset = typeof place === "number" ? place : place();
      Object.assign(
        error.details,
        offset >= 0 ? { byteOffset: offset } : { line: -offset },
      );
    }
    throw error;
  }
}

/** Adds line and column to an error that knows only its byte offset. */
export async function located(error: unknown, path: string): Promise<unknown> {
  if (error instanceof CsvError)
    return malformed(path, error.message, { line: error.line });
  if (error instanceof JsonSyntaxError) {
    const position = await positionOf(path, error.offset);
    return malformed(path, error.message, {
      byteOffset: error.offset,
      ...position,
    });
  }
  if (
    error instanceof IngestError &&
    typeof error.details.byteOffset === "number"
  ) {
    Object.assign(
      error.details,
      await positionOf(path, error.details.byteOffset),
    );
  }
  return error;
}

export function malformed(
  path: string,
  reason: string,
  where: Record<string, number>,
): IngestError {
  const at =
    where.line === undefined
      ? ""
      : ` at line ${where.line}` +
        (where.column === undefined ? "" : `, column ${where.column}`);
  return new IngestError(
    "MALFORMED_REPORT",
    `${path}: not valid${at}: ${reason}`,
    {
      details: { file: path, ...where },
    },
  );
}
