import type { SplitBatch } from "./array-batcher.js";
import { decodeUtf8 } from "../domain/utf8.js";
import { JsonSyntaxError, MAX_ITEM_BYTES } from "./json-splitter.js";
import { parseJson } from "./report-errors.js";

const NEWLINE = 0x0a;

/**
 * Splits JSON Lines: the complete lines of each chunk are decoded once and each parsed from a
 * slice of that one string (a per-line Buffer and decode cost more than the parse). The line
 * carried over from the chunk before is joined with its end on its own, not by copying the whole
 * chunk behind it (that copy was a twentieth of reading TruffleHog). Blank lines and CRLF are
 * tolerated (BR-03); a line that does not parse as it is gets the slow path.
 */
export class LineBatcher {
  #pending: Buffer = Buffer.alloc(0);
  /** Byte offset of #pending[0] in the file. */
  #base = 0;
  #line = 0;

  push(chunk: Buffer): SplitBatch {
    if (this.#pending.length === 0) return this.#push(chunk, null);
    const nl = chunk.indexOf(NEWLINE);
    if (nl < 0) {
      // A file without line ends (or one endless line) is not held whole.
      if (this.#pending.length + chunk.length > MAX_ITEM_BYTES)
        throw new JsonSyntaxError(
          `a line longer than ${MAX_ITEM_BYTES / 1024 / 1024} MB`,
          this.#base,
        );
      this.#pending = Buffer.concat([this.#pending, chunk]);
      return new LineBatch(this.#base);
    }
    const head = Buffer.concat([this.#pending, chunk.subarray(0, nl + 1)]);
    return this.#push(chunk.subarray(nl + 1), head);
  }

  end(): SplitBatch {
    const rest = this.#pending;
    this.#pending = Buffer.alloc(0);
    const batch = new LineBatch(this.#base);
    this.#lines(batch, decodeUtf8(rest, 0, rest.length));
    return batch;
  }

  /** `head`: the carried-over line, now whole, that comes before `bytes`. */
  #push(bytes: Buffer, head: Buffer | null): SplitBatch {
    const batch = new LineBatch(this.#base);
    if (head !== null) {
      this.#lines(batch, decodeUtf8(head, 0, head.length));
      this.#base += head.length;
    }
    const cut = bytes.lastIndexOf(NEWLINE);
    if (cut < 0) {
      this.#pending = bytes;
      return batch;
    }
    this.#lines(batch, decodeUtf8(bytes, 0, cut + 1), this.#base);
    this.#pending = bytes.subarray(cut + 1);
    this.#base += cut + 1;
    return batch;
  }

  /** The lines of `text`, whose first byte is at `base` (the batch's own base by default). */
  #lines(batch: LineBatch, text: string, base?: number): void {
    const part = batch.part(text, base);
    let start = 0;
    while (start < text.length) {
      let nl = text.indexOf("\n", start);
      if (nl < 0) nl = text.length;
      this.#line++;
      batch.add(part, start, nl, this.#line);
      start = nl + 1;
    }
  }
}

/** A line that did not parse as it stands: parsed again, trimmed, when its turn comes. */
const RETRY: unique symbol = Symbol("retry");

/** One decoded run of whole lines of a batch, and the byte offset of its start in the file. */
interface Part {
  text: string;
  base: number;
}

class LineBatch implements SplitBatch {
  readonly #values: unknown[] = [];
  readonly #lines: number[] = [];
  readonly #starts: number[] = [];
  readonly #parts: Part[] = [];
  /** A line that did not parse: its text trimmed, and the bytes the trim took off its start. */
  readonly #retry = new Map<number, { text: string; lead: number }>();

  constructor(private readonly base: number) {}

  part(text: string, base = this.base): Part {
    return { text, base };
  }

  add(part: Part, start: number, end: number, line: number): void {
    let value: unknown = RETRY;
    try {
      value = JSON.parse(part.text.slice(start, end));
    } catch {
      const raw = part.text.slice(start, end);
      const text = raw.trim();
      if (text === "") return;
      const lead = raw.slice(0, raw.length - raw.trimStart().length);
      this.#retry.set(this.#values.length, {
        text,
        lead: Buffer.byteLength(lead),
      });
    }
    this.#values.push(value);
    this.#lines.push(line);
    this.#starts.push(start);
    this.#parts.push(part);
  }

  get length(): number {
    return this.#values.length;
  }

  value(k: number): unknown {
    const value = this.#values[k];
    if (value !== RETRY) return value;
    const retry = this.#retry.get(k) ?? { text: "", lead: 0 };
    return parseJson(retry.text, this.offset(k) + retry.lead);
  }

  pattern(): number {
    return 0;
  }

  path(k: number): number[] {
    return [this.#lines[k] ?? 0];
  }

  offset(k: number): number {
    const start = this.#starts[k] ?? 0;
    const part = this.#parts[k];
    if (part === undefined) return this.base;
    return part.base + Buffer.byteLength(part.text.slice(0, start));
  }
}
