import { jsonErrorByteOffset } from "./position.js";

/**
 * A byte-level splitter for large JSON documents: it finds the values at chosen paths (the elements
 * of a top-level array, `runs[].results[]` of SARIF, `Findings[]` of ASFF) and hands back each one
 * as a UTF-8 slice for `JSON.parse`. It tracks only strings, escapes and nesting; the content of
 * each emitted value is left to `JSON.parse` to validate. `ArrayBatcher` (array-batcher.ts) avoids
 * it on the fast path of a top-level array and falls back to it for anything unusual.
 */
export const ANY_INDEX = "[]";
export const ANY_KEY = "{}";

/** Object keys, `ANY_KEY`, or `ANY_INDEX` for any element of an array. */
export type PathPattern = readonly string[];
export type PathStep = string | number;

export interface SplitValue {
  pattern: number;
  path: PathStep[];
  text: string;
  /** Byte offset of the value's first byte in the whole input. */
  offset: number;
}

export type RootType = "array" | "object" | "null" | "scalar";

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * What may come next in a container the splitter walks: JSON's own grammar, so that a comma
 * missing between two elements (`}{`), doubled or trailing is a syntax error where it is, as
 * JSON.parse has it, not two elements read as if it were there.
 */
type Expect =
  /** Just opened: a first value (a key in an object), or the close. */
  | "first"
  /** A value (or a key and its value) ended: a comma or the close. */
  | "next"
  /** After a comma: a value (in an object, a key). */
  | "item"
  /** In an object, after a key: its colon. */
  | "colon"
  /** In an object, after a colon: the key's value. */
  | "value";

interface Frame {
  isArray: boolean;
  index: number;
  key: string | null;
  expect: Expect;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** See JsonSplitter#checkOpenValue. */
const FIRST_CHECK_BYTES = 1024 * 1024;
export const MAX_ITEM_BYTES = 16 * 1024 * 1024;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDelimiter(c: number): boolean {
  return c === COMMA || c === CLOSE_OBJ || c === CLOSE_ARR || isSpace(c);
}

export class JsonSplitter {
  rootType: RootType | undefined;
  readonly rootKeys: string[] = [];
  readonly #patterns: PathPattern[];
  readonly #frames: Frame[] = [];
  #base = 0;
  // The value being captured (or skipped, when #captureIndex is -1).
  #inValue = false;
  #captureIndex = -1;
  #capturePath: PathStep[] = [];
  #valueStart = 0;
  #depth = 0;
  #inString = false;
  #escape = false;
  #scalar = false;
  #parts: Buffer[] = [];
  /** Bytes of the captured value held in #parts, and when it is next checked (see push). */
  #openBytes = 0;
  #nextCheck = FIRST_CHECK_BYTES;
  #keyParts: Buffer[] | null = null;
  #rootDone = false;

  /** `resume`: start inside a top-level array, before element `index`, at byte `base`. */
  constructor(
    patterns: PathPattern[],
    resume?: { base: number; index: number },
  ) {
    this.#patterns = patterns;
    if (resume === undefined) return;
    this.rootType = "array";
    this.#base = resume.base;
    // Resumed where an element ended (or before the first): a comma comes next, if any.
    this.#frames.push({
      isArray: true,
      index: resume.index,
      key: null,
      expect: resume.index > 0 ? "next" : "first",
    });
  }

  /**
   * Right after an element of the top-level array (or before its first), nothing half-read and
   * no comma taken yet: where a resumed splitter (see the constructor) would be.
   */
  get atArrayTop(): boolean {
    const top = this.#frames[0];
    return (
      this.#frames.length === 1 &&
      top?.isArray === true &&
      top.expect !== "item" &&
      !this.#inValue &&
      this.#keyParts === null
    );
  }

  push(chunk: Buffer): SplitValue[] {
    const out: SplitValue[] = [];
    let i = 0;
    let partStart = 0;
    const n = chunk.length;

    while (i < n) {
      if (this.#inValue) {
        i = this.#scanValue(chunk, i);
        if (this.#inValue) break;
        this.#finishValue(chunk, partStart, i, out);
        continue;
      }
      if (this.#keyParts !== null) {
        i = this.#scanKey(chunk, i);
        continue;
      }
      const c = chunk[i] as number;
      if (isSpace(c)) {
        i++;
        continue;
      }
      if (this.#rootDone) this.#fail("unexpected content after the end", i);
      i = this.#structural(c, i);
      partStart = i;
      if (this.#inValue) partStart = this.#valueStart - this.#base;
    }

    if (this.#inValue && this.#captureIndex >= 0) {
      const part = chunk.subarray(Math.max(partStart, 0), n);
      this.#parts.push(part);
      this.#openBytes += part.length;
      if (this.#openBytes >= this.#nextCheck) this.#checkOpenValue(false);
    }
    this.#base += n;
    return out;
  }

  /**
   * An item still open after this many bytes is checked for a syntax error so far, and again at
   * each doubling: a quote missing early in a file flips every string after it, so the item never
   * ends, and the whole rest of the file would be held, then reported as ending too soon. Past
   * MAX_ITEM_BYTES an item that is still valid is refused for its size.
   */
  #checkOpenValue(atEnd: boolean): void {
    const text = Buffer.concat(this.#parts).toString("utf8");
    const bad = jsonErrorByteOffset(text);
    // A character cut at the chunk's end decodes as U+FFFD: an error there is not yet one.
    const settled = atEnd ? this.#openBytes : this.#openBytes - 4;
    if (bad < settled) this.#failAt("invalid JSON", this.#valueStart + bad);
    if (!atEnd && this.#openBytes > MAX_ITEM_BYTES)
      this.#failAt(
        `an item longer than ${MAX_ITEM_BYTES / 1024 / 1024} MB`,
        this.#valueStart,
      );
    this.#nextCheck = this.#openBytes * 2;
  }

  /** Throws when the input ended in the middle of a value. */
  end(): void {
    if (this.#inValue && this.#scalar && !this.#inString) {
      this.#inValue = false;
      return;
    }
    if (this.#inValue && this.#captureIndex >= 0) this.#checkOpenValue(true);
    if (this.#inValue || this.#frames.length > 0 || this.#keyParts) {
      this.#fail("unexpected end of input", 0);
    }
    if (this.rootType === undefined) this.#fail("no JSON value", 0);
  }

  #fail(message: string, i: number): never {
    this.#failAt(message, this.#base + i);
  }

  #failAt(message: string, offset: number): never {
    throw new JsonSyntaxError(message, offset);
  }

  #structural(c: number, i: number): number {
    const top = this.#frames[this.#frames.length - 1];
    if (top === undefined) {
      if (this.rootType !== undefined)
        this.#fail("unexpected content after the end", i);
      return this.#startValue(c, i);
    }
    if (c === COMMA) {
      if (top.expect !== "next") this.#fail("unexpected ','", i);
      top.expect = "item";
      return i + 1;
    }
    if (c === COLON) {
      if (top.expect !== "colon") this.#fail("unexpected ':'", i);
      top.expect = "value";
      return i + 1;
    }
    if (c === CLOSE_ARR || c === CLOSE_OBJ) {
      if (top.isArray !== (c === CLOSE_ARR))
        this.#fail("mismatched bracket", i);
      if (top.expect !== "first" && top.expect !== "next")
        this.#fail(
          top.expect === "item" ? "a trailing ','" : "expected a value",
          i,
        );
      this.#frames.pop();
      this.#afterValue();
      return i + 1;
    }
    if (top.expect === "next")
      this.#fail(`expected ',' or '${top.isArray ? "]" : "}"}'`, i);
    if (top.expect === "colon") this.#fail("expected ':'", i);
    if (!top.isArray && top.expect !== "value") {
      if (c !== QUOTE) this.#fail("expected a key", i);
      this.#keyParts = [];
      return i + 1;
    }
    return this.#startValue(c, i);
  }

  #startValue(c: number, i: number): number {
    const path = this.#frames.map((f) => (f.isArray ? f.index : (f.key ?? "")));
    if (this.#frames.length === 0) {
      this.rootType =
        c === OPEN_ARR
          ? "array"
          : c === OPEN_OBJ
            ? "object"
            : c === 0x6e
              ? "null"
              : "scalar";
    }
    const matched = this.#patterns.findIndex(
      (p) => p.length === path.length && this.#matches(p, path, p.length),
    );
    // Descend into a container when a longer pattern goes on into it (an array's elements, an
    // object's keys); otherwise capture it whole when a pattern ends here, or skip it.
    const isArray = c === OPEN_ARR;
    const descend =
      (isArray || c === OPEN_OBJ) &&
      this.#patterns.some((p) => {
        const next = p[path.length];
        if (next === undefined || !this.#matches(p, path, path.length))
          return false;
        return isArray ? next === ANY_INDEX : next !== ANY_INDEX;
      });
    if (descend) {
      this.#frames.push({ isArray, index: 0, key: null, expect: "first" });
      return i + 1;
    }
    this.#inValue = true;
    this.#captureIndex = matched;
    this.#capturePath = path;
    this.#valueStart = this.#base + i;
    this.#depth = 0;
    this.#scalar = c !== OPEN_ARR && c !== OPEN_OBJ && c !== QUOTE;
    this.#parts = [];
    this.#openBytes = 0;
    this.#nextCheck = FIRST_CHECK_BYTES;
    return i;
  }

  #matches(pattern: PathPattern, path: PathStep[], length: number): boolean {
    for (let k = 0; k < length; k++) {
      const want = pattern[k];
      const got = path[k];
      if (want === ANY_INDEX) {
        if (typeof got !== "number") return false;
      } else if (want === ANY_KEY) {
        if (typeof got !== "string") return false;
      } else if (want !== got) return false;
    }
    return true;
  }

  /** Scans a value from i; returns the index after it ends, or n with #inValue still set. */
  #scanValue(buf: Buffer, start: number): number {
    const n = buf.length;
    let i = start;
    if (this.#scalar) {
      while (i < n && !isDelimiter(buf[i] as number)) i++;
      if (i < n) this.#inValue = false;
      return i;
    }
    while (i < n) {
      if (this.#inString) {
        if (this.#escape) {
          this.#escape = false;
          i++;
          continue;
        }
        const segment = i;
        const j = buf.indexOf(QUOTE, i);
        if (j < 0) {
          let k = n - 1;
          while (k >= segment && buf[k] === BACKSLASH) k--;
          this.#escape = (n - 1 - k) % 2 === 1;
          return n;
        }
        let k = j - 1;
        while (k >= segment && buf[k] === BACKSLASH) k--;
        i = j + 1;
        if ((j - 1 - k) % 2 === 0) {
          this.#inString = false;
          if (this.#depth === 0) {
            this.#inValue = false;
            return i;
          }
        }
        continue;
      }
      const c = buf[i] as number;
      i++;
      if (c === QUOTE) this.#inString = true;
      else if (c === OPEN_OBJ || c === OPEN_ARR) this.#depth++;
      else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        this.#depth--;
        if (this.#depth === 0) {
          this.#inValue = false;
          return i;
        }
        if (this.#depth < 0) this.#fail("mismatched bracket", i - 1);
      }
    }
    return i;
  }

  #finishValue(
    chunk: Buffer,
    partStart: number,
    end: number,
    out: SplitValue[],
  ): void {
    if (this.#captureIndex >= 0) {
      const local = this.#valueStart - this.#base;
      const tail = chunk.subarray(Math.max(local, partStart, 0), end);
      const text =
        this.#parts.length === 0
          ? tail.toString("utf8")
          : Buffer.concat([...this.#parts, tail]).toString("utf8");
      out.push({
        pattern: this.#captureIndex,
        path: this.#capturePath,
        text,
        offset: this.#valueStart,
      });
    }
    this.#parts = [];
    this.#afterValue();
  }

  #scanKey(buf: Buffer, start: number): number {
    const n = buf.length;
    let i = start;
    while (i < n) {
      const c = buf[i] as number;
      if (this.#escape) this.#escape = false;
      else if (c === BACKSLASH) this.#escape = true;
      else if (c === QUOTE) break;
      i++;
    }
    const parts = this.#keyParts ?? [];
    parts.push(buf.subarray(start, i));
    if (i === n) return n;
    const key = parseKey(Buffer.concat(parts).toString("utf8"), this.#base + i);
    const top = this.#frames[this.#frames.length - 1];
    if (top) {
      top.key = key;
      top.expect = "colon";
    }
    if (this.#frames.length === 1) this.rootKeys.push(key);
    this.#keyParts = null;
    return i + 1;
  }

  #afterValue(): void {
    const top = this.#frames[this.#frames.length - 1];
    if (top === undefined) {
      this.#rootDone = true;
      return;
    }
    if (top.isArray) top.index++;
    top.expect = "next";
  }
}

function parseKey(raw: string, offset: number): string {
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    throw new JsonSyntaxError("bad object key", offset);
  }
}
