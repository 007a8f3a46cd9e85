import type { SplitBatch } from "./array-batcher.js";
import { decodeUtf8 } from "./decode.js";
import { parseJson } from "./report-errors.js";

const NEWLINE = 0x0a;

/**
 * Splits JSON Lines: the complete lines of each chunk are decoded once and each parsed from a
 * slice of that one string (a per-line Buffer and decode cost more than the parse). Blank lines
 * and CRLF are tolerated (BR-03); a line that does not parse as it is gets the slow path.
 */
export class LineBatcher {
  #pending: Buffer = Buffer.alloc(0);
  /** Byte offset of #pending[0] in the file. */
  #base = 0;
  #line = 0;

  push(chunk: Buffer): SplitBatch {
    const pending =
      this.#pending.length === 0
        ? chunk
        : Buffer.concat([this.#pending, chunk]);
    const cut = pending.lastIndexOf(NEWLINE);
    if (cut < 0) {
      this.#pending = pending;
      return new LineBatch("", this.#base);
    }
    const batch = this.#batch(decodeUtf8(pending, 0, cut + 1));
    this.#pending = pending.subarray(cut + 1);
    this.#base += cut + 1;
    return batch;
  }

  end(): SplitBatch {
    const rest = this.#pending;
    this.#pending = Buffer.alloc(0);
    return this.#batch(decodeUtf8(rest, 0, rest.length));
  }

  #batch(text: string): LineBatch {
    const batch = new LineBatch(text, this.#base);
    let start = 0;
    while (start < text.length) {
      let nl = text.indexOf("\n", start);
      if (nl < 0) nl = text.length;
      this.#line++;
      batch.add(start, nl, this.#line);
      start = nl + 1;
    }
    return batch;
  }
}

/** A line that did not parse as it stands: parsed again, trimmed, when its turn comes. */
const RETRY: unique symbol = Symbol("retry");

class LineBatch implements SplitBatch {
  readonly #values: unknown[] = [];
  readonly #lines: number[] = [];
  readonly #starts: number[] = [];
  readonly #retry = new Map<number, string>();

  constructor(
    private readonly text: string,
    private readonly base: number,
  ) {}

  add(start: number, end: number, line: number): void {
    let value: unknown = RETRY;
    try {
      value = JSON.parse(this.text.slice(start, end));
    } catch {
      const trimmed = this.text.slice(start, end).trim();
      if (trimmed === "") return;
      this.#retry.set(this.#values.length, trimmed);
    }
    this.#values.push(value);
    this.#lines.push(line);
    this.#starts.push(start);
  }

  get length(): number {
    return this.#values.length;
  }

  value(k: number): unknown {
    const value = this.#values[k];
    if (value !== RETRY) return value;
    return parseJson(this.#retry.get(k) ?? "", this.offset(k));
  }

  pattern(): number {
    return 0;
  }

  path(k: number): number[] {
    return [this.#lines[k] ?? 0];
  }

  offset(k: number): number {
    const start = this.#starts[k] ?? 0;
    return this.base + Buffer.byteLength(this.text.slice(0, start));
  }
}
