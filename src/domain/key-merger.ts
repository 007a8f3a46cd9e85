import { KeyText } from "./location-keys.js";
import { decodeUtf8 } from "./utf8.js";

const NEWLINE = 0x0a;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

/**
 * Merges the staged rows of one finding after another into KeyText, as UTF-8 bytes in buffers it
 * keeps from one finding to the next: each row is copied in once, its keys found by `indexOf` and
 * hashed four bytes at a time, a repeat found by hash and then compared byte for byte. Splitting
 * the rows into strings and putting those in a Set per finding was most of the commit of a large
 * read. The same keys, order, cap and omitted count as KeyStrings fed the same rows.
 */
export class KeyMerger {
  #bytes = Buffer.allocUnsafe(64 * 1024);
  #view = viewOf(this.#bytes);
  #used = 0;
  #count = 0;
  #omitted = 0;
  #cap = 0;
  #starts = new Int32Array(1024);
  #ends = new Int32Array(1024);
  #hashes = new Int32Array(1024);
  /** Open addressing: a key's index + 1, 0 for empty; never more than half full. */
  #slots = new Int32Array(2048);
  /** Slots filled for this finding: the ones to clear for the next. */
  #filled: number[] = [];

  begin(cap: number): void {
    for (const slot of this.#filled) this.#slots[slot] = 0;
    this.#filled.length = 0;
    this.#used = 0;
    this.#count = 0;
    this.#omitted = 0;
    this.#cap = cap;
  }

  /** One staged row: keys separated by newlines (see Sightings.drainLocations). */
  add(row: Buffer, omitted: number): void {
    this.#omitted += omitted;
    if (row.length === 0) return;
    // The row goes after the keys kept so far, past room for a comma; `write` is where the next
    // kept key goes (after its comma), never past where it is read.
    const at = this.#used + 1;
    this.#reserve(at + row.length);
    const bytes = this.#bytes;
    row.copy(bytes, at);
    const end = at + row.length;
    let write = this.#used;
    for (let from = at; from < end;) {
      let to = bytes.indexOf(NEWLINE, from);
      if (to < 0 || to > end) to = end;
      const hash = hashOf(this.#view, from, to);
      if (to > from && this.#keep(hash, from, to)) {
        if (this.#count > 0) bytes[write++] = COMMA;
        if (write !== from) bytes.copyWithin(write, from, to);
        this.#index(hash, write, write + (to - from));
        write += to - from;
      }
      from = to + 1;
    }
    this.#used = write;
  }

  finish(): KeyText {
    const count = this.#count;
    const first =
      count === 0
        ? undefined
        : decodeUtf8(this.#bytes, this.#starts[0] ?? 0, this.#ends[0] ?? 0);
    // The kept keys start at 0 (see add): the array is them between brackets, copied out of the
    // buffer the next finding reuses.
    const end = count === 0 ? 0 : (this.#ends[count - 1] ?? 0);
    const json = Buffer.allocUnsafe(end + 2);
    json[0] = OPEN;
    this.#bytes.copy(json, 1, 0, end);
    json[end + 1] = CLOSE;
    return new KeyText(this.#cap, json, first, count, this.#omitted);
  }

  /** Whether the key at [from, to) is new and within the cap; counts it omitted past the cap. */
  #keep(hash: number, from: number, to: number): boolean {
    const bytes = this.#bytes;
    const mask = this.#slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const k = (this.#slots[slot] ?? 0) - 1;
      if (k < 0) break;
      const start = this.#starts[k] ?? 0;
      const end = this.#ends[k] ?? 0;
      const same =
        this.#hashes[k] === hash &&
        end - start === to - from &&
        bytes.compare(bytes, start, end, from, to) === 0;
      if (same) return false;
    }
    if (this.#count < this.#cap) return true;
    this.#omitted += 1;
    return false;
  }

  #index(hash: number, start: number, end: number): void {
    if (this.#count === this.#starts.length) this.#growIndex();
    const k = this.#count;
    this.#starts[k] = start;
    this.#ends[k] = end;
    this.#hashes[k] = hash;
    this.#count += 1;
    if (this.#count * 2 > this.#slots.length) this.#rehash();
    else this.#fill(hash, k);
  }

  #fill(hash: number, k: number): void {
    const mask = this.#slots.length - 1;
    let slot = hash & mask;
    while (this.#slots[slot] !== 0) slot = (slot + 1) & mask;
    this.#slots[slot] = k + 1;
    this.#filled.push(slot);
  }

  #reserve(size: number): void {
    if (size <= this.#bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(size, this.#bytes.length * 2));
    this.#bytes.copy(grown, 0, 0, this.#used);
    this.#bytes = grown;
    this.#view = viewOf(grown);
  }

  #growIndex(): void {
    const grow = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.#starts = grow(this.#starts);
    this.#ends = grow(this.#ends);
    this.#hashes = grow(this.#hashes);
  }

  #rehash(): void {
    this.#slots = new Int32Array(this.#slots.length * 2);
    this.#filled.length = 0;
    for (let k = 0; k < this.#count; k++) this.#fill(this.#hashes[k] ?? 0, k);
  }
}

/**
 * A multiplicative hash of bytes [from, to), four at a time: only to find candidates, equality
 * is always checked byte for byte.
 */
function hashOf(view: DataView, from: number, to: number): number {
  let hash = (to - from) | 0;
  let i = from;
  for (; i + 4 <= to; i += 4) {
    hash = Math.imul(hash ^ view.getInt32(i, true), 0x9e3779b1);
    hash ^= hash >>> 15;
  }
  for (; i < to; i++) hash = Math.imul(hash ^ view.getUint8(i), 0x01000193);
  return hash ^ (hash >>> 13);
}

function viewOf(bytes: Buffer): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
}
