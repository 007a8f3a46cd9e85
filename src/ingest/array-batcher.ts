import { ANY_INDEX, JsonSplitter } from "./json-splitter.js";
import type { PathPattern, PathStep, RootType } from "./json-splitter.js";
import { parseJsonList } from "./decode.js";
import { parseJson } from "./report-errors.js";

/** The items found in one chunk; values are parsed (or validated) in order, on demand. */
export interface SplitBatch {
  readonly length: number;
  value(k: number): unknown;
  pattern(k: number): number;
  path(k: number): PathStep[];
  /** Byte offset of item k in the file: for error reports (may rescan the batch). */
  offset(k: number): number;
}

const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const CLOSE_OBJ = 0x7d;
const COMMA = 0x2c;

/**
 * Splits a JSON document into items. For a top-level array of objects (gitleaks, and any format
 * whose only pattern is `[[]]`) it guesses that the last `}` of the buffered bytes ends an element
 * and lets one `JSON.parse("[" + bytes + "]")` check the guess: tokenising is deterministic, so a
 * prefix that parses as a list of values ends exactly on an element. A failed guess (an element
 * longer than the buffer, a syntax error, a comma missing before the batch) falls back to the
 * exact `JsonSplitter` from the same byte, which gives the same items and errors.
 */
export class ArrayBatcher {
  readonly #patterns: PathPattern[];
  #mode: "prelude" | "fast" | "exact";
  #exact: JsonSplitter | null = null;
  #pending: Buffer = Buffer.alloc(0);
  /** Byte offset of #pending[0] in the file. */
  #pendingBase = 0;
  #index = 0;

  constructor(patterns: PathPattern[]) {
    this.#patterns = patterns;
    const rootArray = patterns.length === 1 && isRootArray(patterns[0]);
    this.#mode = rootArray ? "prelude" : "exact";
    if (!rootArray) this.#exact = new JsonSplitter(patterns);
  }

  get rootType(): RootType | undefined {
    if (this.#exact) return this.#exact.rootType;
    return this.#mode === "fast" ? "array" : undefined;
  }

  get rootKeys(): string[] {
    return this.#exact?.rootKeys ?? [];
  }

  push(chunk: Buffer): SplitBatch {
    if (this.#exact) return this.#pushExact(chunk);
    if (this.#mode === "fast" && this.#pending.length > 0) {
      const joined = this.#completeCarried(chunk);
      if (joined !== null) return joined;
    }
    const pending =
      this.#pending.length === 0
        ? chunk
        : Buffer.concat([this.#pending, chunk]);
    this.#pending = pending;
    if (this.#mode === "prelude") return this.#prelude();
    return this.#pushFast();
  }

  /** Items left at the end (only broken input leaves some); throws if truncated. */
  end(): SplitBatch {
    let last: SplitBatch = EMPTY;
    if (this.#mode === "prelude" && this.#exact === null) {
      this.#exact = new JsonSplitter(this.#patterns);
      last = this.#pushExact(this.#pending);
    } else if (this.#exact === null && !isArrayClose(this.#pending)) {
      // Nothing follows: the exact splitter stays to the end, so that an array cut off between
      // two elements (no `]`) is an error, not a report that just ended.
      this.#mode = "exact";
      last = this.#toExact(this.#pending);
    }
    if (this.#exact) this.#exact.end();
    return last;
  }

  #prelude(): SplitBatch {
    const pending = this.#pending;
    let i = 0;
    while (i < pending.length && isSpace(pending[i] as number)) i++;
    if (i === pending.length) return EMPTY;
    if (pending[i] !== OPEN_ARR) {
      this.#pending = Buffer.alloc(0);
      this.#exact = new JsonSplitter(this.#patterns);
      return this.#pushExact(pending);
    }
    this.#mode = "fast";
    this.#pending = pending.subarray(i + 1);
    this.#pendingBase += i + 1;
    return this.#pushFast();
  }

  #pushFast(): SplitBatch {
    const pending = this.#pending;
    const cut = pending.lastIndexOf(CLOSE_OBJ);
    const batch = cut < 0 ? null : this.#parsedUpTo(pending, cut + 1);
    return batch ?? this.#toExact(pending);
  }

  /**
   * The elements of `bytes` (which start at #pendingBase) up to `end`, as one batch, and the
   * batcher moved past them; null, and nothing moved, when they do not parse.
   */
  #parsedUpTo(bytes: Buffer, end: number): ParsedBatch | null {
    let start = 0;
    while (start < end && isSpace(bytes[start] as number)) start++;
    // Past the first element the bytes start at a comma; without one (`}{`) the exact splitter
    // takes over from here, and fails where the comma is missing.
    const resumeAt = start;
    if (this.#index > 0) {
      if (bytes[start] !== COMMA) return null;
      start++;
    }
    let values: unknown;
    try {
      values = parseJsonList(bytes, start, end);
    } catch {
      return null;
    }
    const batch = new ParsedBatch(
      values as unknown[],
      this.#index,
      bytes.subarray(resumeAt, end),
      this.#pendingBase + resumeAt,
      this.#patterns,
    );
    this.#index += batch.length;
    this.#pending = bytes.subarray(end);
    this.#pendingBase += end;
    return batch;
  }

  /**
   * The element carried over from the chunk before, completed on its own, and the rest of the
   * chunk parsed in place: joining the whole chunk behind it was a copy of the file. It ends just
   * past the first `}` that makes the carried bytes parse (one inside a string or a nested
   * object does not: a prefix that parses ends on an element); null when none of the first few
   * does, and the chunk is joined as before.
   */
  #completeCarried(chunk: Buffer): SplitBatch | null {
    let from = 0;
    for (let tries = 0; tries < CARRIED_TRIES; tries++) {
      const close = chunk.indexOf(CLOSE_OBJ, from);
      if (close < 0) return null;
      const bytes = Buffer.concat([
        this.#pending,
        chunk.subarray(0, close + 1),
      ]);
      const head = this.#parsedUpTo(bytes, bytes.length);
      if (head !== null) {
        this.#pending = chunk.subarray(close + 1);
        return joinBatches(head, this.#pushFast());
      }
      from = close + 1;
    }
    return null;
  }

  #toExact(bytes: Buffer): SplitBatch {
    this.#exact = new JsonSplitter(this.#patterns, {
      base: this.#pendingBase,
      index: this.#index,
    });
    this.#pending = Buffer.alloc(0);
    return this.#pushExact(bytes);
  }

  #pushExact(chunk: Buffer): SplitBatch {
    const exact = this.#exact as JsonSplitter;
    const batch = new TextBatch(exact.push(chunk));
    this.#pendingBase += chunk.length;
    this.#index += batch.length;
    // Back to the fast path once the odd element is behind us.
    if (this.#mode === "fast" && exact.atArrayTop) this.#exact = null;
    return batch;
  }
}

class TextBatch implements SplitBatch {
  constructor(
    private readonly values: {
      pattern: number;
      path: PathStep[];
      text: string;
      offset: number;
    }[],
  ) {}

  get length(): number {
    return this.values.length;
  }

  value(k: number): unknown {
    const v = this.values[k];
    return v === undefined ? undefined : parseJson(v.text, v.offset);
  }

  pattern(k: number): number {
    return this.values[k]?.pattern ?? 0;
  }

  path(k: number): PathStep[] {
    return this.values[k]?.path ?? [];
  }

  offset(k: number): number {
    return this.values[k]?.offset ?? -1;
  }
}

class ParsedBatch implements SplitBatch {
  constructor(
    private readonly values: unknown[],
    private readonly first: number,
    private readonly bytes: Buffer,
    private readonly base: number,
    private readonly patterns: PathPattern[],
  ) {}

  get length(): number {
    return this.values.length;
  }

  value(k: number): unknown {
    return this.values[k];
  }

  pattern(): number {
    return 0;
  }

  path(k: number): PathStep[] {
    return [this.first + k];
  }

  offset(k: number): number {
    const resumed = new JsonSplitter(this.patterns, {
      base: this.base,
      index: this.first,
    });
    return resumed.push(this.bytes)[k]?.offset ?? this.base;
  }
}

const EMPTY: SplitBatch = new TextBatch([]);

/** `}`s tried for the end of an element carried over from one chunk to the next. */
const CARRIED_TRIES = 8;

/** The items of `a`, then those of `b`. */
function joinBatches(a: SplitBatch, b: SplitBatch): SplitBatch {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const pick = <T>(k: number, f: (batch: SplitBatch, k: number) => T): T =>
    k < a.length ? f(a, k) : f(b, k - a.length);
  return {
    length: a.length + b.length,
    value: (k) => pick(k, (batch, i) => batch.value(i)),
    pattern: (k) => pick(k, (batch, i) => batch.pattern(i)),
    path: (k) => pick(k, (batch, i) => batch.path(i)),
    offset: (k) => pick(k, (batch, i) => batch.offset(i)),
  };
}

function isRootArray(pattern: PathPattern | undefined): boolean {
  return pattern?.length === 1 && pattern[0] === ANY_INDEX;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Whitespace, one `]`, whitespace: the well-formed end of the top-level array. */
function isArrayClose(bytes: Buffer): boolean {
  let i = 0;
  while (i < bytes.length && isSpace(bytes[i] as number)) i++;
  if (bytes[i] !== CLOSE_ARR) return false;
  i++;
  while (i < bytes.length && isSpace(bytes[i] as number)) i++;
  return i === bytes.length;
}
